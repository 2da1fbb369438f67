#pragma once

#include <functional>
#include <optional>
#include <string>

namespace cli {

// Look an environment variable up: nullopt when unset, "" when set but empty.
using EnvironmentLookup = std::function<std::optional<std::string>(const char* name)>;

// Return the Environment header for events typed on the command line: the CI
// system the environment shows, checked in the Go CLI's order with its rules
// (a variable counts when set, even empty), or "_unknown_".
std::string ci_environment(const EnvironmentLookup& lookup);

// Return ci_environment() of this process's environment.
std::string ci_environment();

} // namespace cli
