#pragma once

#include "util/expected.hpp"

#include <string>
#include <string_view>
#include <sys/types.h>
#include <vector>

// Child processes: a chained hook, git itself, a detached delivery, a mirror
// fetch. They all start through spawn().
namespace util {

// Where a child's standard stream comes from or goes to.
enum class Stream {
    inherit, // ours
    null,    // /dev/null
    pipe,    // a pipe whose other end the Child holds
};

// How to start a child process. Every child starts with no signal blocked
// and SIGPIPE handled by default, whatever this process does with them.
struct SpawnOptions {
    // Name the program and its arguments; a program without a slash is
    // searched for in PATH.
    std::vector<std::string> argv{};
    // Say where the child's standard input, output and error are.
    Stream in = Stream::inherit;
    Stream out = Stream::inherit;
    Stream err = Stream::inherit;
    // Put the child in a process group of its own, which it leads.
    bool new_process_group = false;
    // Put the child in a session of its own, away from our terminal.
    bool new_session = false;
    // Let the child inherit no descriptor beyond its standard streams.
    bool close_other_fds = false;
    // Also give SIGTERM, SIGINT and SIGHUP their default handling, for the
    // child of a process that takes them itself.
    bool default_stop_signals = false;
    // Give the child these NAME=value variables in place of ours of that
    // name; a bare NAME gives it none of that name.
    std::vector<std::string> environment{};
};

// A started child process and our ends of its pipes. Destroying it closes
// those ends; it neither waits for the process nor ends it.
class Child {
public:
    Child(Child&& other) noexcept;
    Child& operator=(Child&&) = delete;
    Child(const Child&) = delete;
    ~Child();

    // Return the child's pid, also its process group's id when it has one.
    pid_t pid() const { return m_pid; }
    // Return our end of the child's standard input pipe, or -1.
    int input() const { return m_fds[0]; }
    // Return our end of the child's standard output pipe, or -1.
    int output() const { return m_fds[1]; }
    // Return our end of the child's standard error pipe, or -1.
    int errors() const { return m_fds[2]; }
    // Close our end of the standard input pipe: the child reads end of file.
    void close_input();
    // Wait for the child to end; return its exit status, 128 + signal if
    // it was killed.
    int wait();

private:
    // Own a started process and our ends of its pipes (-1 for none).
    Child(pid_t pid, int in, int out, int err) : m_pid(pid), m_fds{in, out, err} {}
    friend Expected<Child> spawn(const SpawnOptions& options);

    pid_t m_pid;
    int m_fds[3];
};

// Start a child process as `options` describe.
Expected<Child> spawn(const SpawnOptions& options);

// Run a program with `input` on its standard input and this process's
// standard output and error; return its exit status (128 + signal if killed).
Expected<int> run_with_input(const std::vector<std::string>& argv, std::string_view input);

// Run a program and return what it printed on standard output; its standard
// error is returned as the error when it fails.
Expected<std::string> run_for_output(const std::vector<std::string>& argv);

// What a detached child is given beyond its arguments.
struct DetachedStart {
    // As SpawnOptions::environment.
    std::vector<std::string> environment{};
    // Bytes for its standard input, through a pipe (/dev/null when empty).
    // They must fit the pipe (64 KiB), so that handing them over never waits.
    std::string input{};
};

// Start a program in a new session with standard streams on /dev/null (or
// its input on stdin) and no other descriptor inherited, and do not wait for
// it: whoever waits for us (git, and the client behind it) never waits for
// it. Meant for a process about to exit, which leaves the child to init.
Expected<void> spawn_detached(const std::vector<std::string>& argv,
                              const DetachedStart& start = {});

} // namespace util
