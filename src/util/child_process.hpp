#pragma once

#include "util/expected.hpp"

#include <string>
#include <string_view>
#include <vector>

// Child processes a hook starts: a chained hook, git itself, a detached delivery.
namespace util {

// Run a program with `input` on its standard input and this process's
// standard output and error; return its exit status (128 + signal if killed).
Expected<int> run_with_input(const std::vector<std::string>& argv, std::string_view input);

// Run a program and return what it printed on standard output; its standard
// error is returned as the error when it fails.
Expected<std::string> run_for_output(const std::vector<std::string>& argv);

// Start a program in a new session with standard streams on /dev/null and no
// other descriptor inherited, and do not wait for it: whoever waits for us
// (git, and the client behind it) never waits for it. Meant for a process
// about to exit, which leaves the child to init.
Expected<void> spawn_detached(const std::vector<std::string>& argv);

} // namespace util
