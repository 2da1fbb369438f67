#include "daemon/mirror_fetch.hpp"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <optional>
#include <poll.h>
#include <spawn.h>
#include <string>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

extern char** environ;

namespace pulse_daemon {

namespace {

using Clock = std::chrono::steady_clock;

// Keep this much of git's stderr: its last line says what went wrong.
constexpr std::size_t k_stderr_tail = 4096;

// A spawned git fetch: its pid (also its process group) and its stderr.
struct Child {
    pid_t pid = -1;
    int stderr_fd = -1;
    std::string stderr_tail;
};

std::vector<std::string> child_environment() {
    std::vector<std::string> env;
    for (char** entry = environ; *entry != nullptr; ++entry) {
        if (std::strncmp(*entry, "GIT_TERMINAL_PROMPT=", 20) != 0) {
            env.emplace_back(*entry);
        }
    }
    // Never wait for a password nobody will type.
    env.emplace_back("GIT_TERMINAL_PROMPT=0");
    return env;
}

std::vector<char*> pointers(std::vector<std::string>& strings) {
    std::vector<char*> result;
    for (auto& s : strings) {
        result.push_back(s.data());
    }
    result.push_back(nullptr);
    return result;
}

// Start the child with default signal handling (ours are blocked and would be
// inherited), stdin and stdout on /dev/null and stderr on a pipe.
model::Expected<Child> spawn_fetch(const std::filesystem::path& repo) {
    int pipe_fds[2];
    if (::pipe2(pipe_fds, O_CLOEXEC) != 0) {
        return model::fail(std::string("creating a pipe: ") + std::strerror(errno));
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], 2);
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    sigset_t none;
    sigemptyset(&none);
    sigset_t defaults;
    sigemptyset(&defaults);
    for (int signal : {SIGTERM, SIGINT, SIGHUP, SIGPIPE}) {
        sigaddset(&defaults, signal);
    }
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &defaults);
    posix_spawnattr_setpgroup(&attr, 0);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF |
                                        POSIX_SPAWN_SETPGROUP);
    std::vector<std::string> args = {"git",   "-C",      repo.string(), "fetch",
                                     "--all", "--prune", "--quiet"};
    auto env = child_environment();
    Child child;
    const int rc = ::posix_spawnp(&child.pid, "git", &actions, &attr, pointers(args).data(),
                                  pointers(env).data());
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    ::close(pipe_fds[1]);
    if (rc != 0) {
        ::close(pipe_fds[0]);
        return model::fail(std::string("starting git: ") + std::strerror(rc));
    }
    child.stderr_fd = pipe_fds[0];
    return child;
}

void read_stderr(Child& child, std::chrono::milliseconds wait) {
    pollfd fd{child.stderr_fd, POLLIN, 0};
    if (::poll(&fd, 1, static_cast<int>(wait.count())) <= 0) {
        return;
    }
    char buffer[1024];
    const auto n = ::read(child.stderr_fd, buffer, sizeof buffer);
    if (n > 0) {
        child.stderr_tail.append(buffer, static_cast<std::size_t>(n));
        if (child.stderr_tail.size() > k_stderr_tail) {
            child.stderr_tail.erase(0, child.stderr_tail.size() - k_stderr_tail);
        }
    } else {
        // End of stream: git exited or closed stderr; keep waiting without the pipe.
        std::this_thread::sleep_for(wait);
    }
}

std::optional<int> reap(pid_t pid) {
    int status = 0;
    if (::waitpid(pid, &status, WNOHANG) != pid) {
        return std::nullopt;
    }
    return status;
}

// Ask the group to end (git removes its lock files on SIGTERM), then kill it.
int end_group(pid_t pid) {
    ::kill(-pid, SIGTERM);
    const auto deadline = Clock::now() + std::chrono::seconds(2);
    while (Clock::now() < deadline) {
        if (const auto status = reap(pid)) {
            return *status;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ::kill(-pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    return status;
}

std::string last_line(const std::string& text) {
    const auto end = text.find_last_not_of(" \r\n");
    if (end == std::string::npos) {
        return "";
    }
    const auto start = text.find_last_of('\n', end);
    return text.substr(start == std::string::npos ? 0 : start + 1, end - start);
}

model::Expected<void> describe_exit(int status, const Child& child) {
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
        return {};
    }
    std::string text = WIFEXITED(status)
                           ? "git fetch exited with " + std::to_string(WEXITSTATUS(status))
                           : "git fetch was killed by signal " + std::to_string(WTERMSIG(status));
    const auto line = last_line(child.stderr_tail);
    return model::fail(line.empty() ? text : text + ": " + line);
}

} // namespace

model::Expected<void> fetch_mirror(const std::filesystem::path& repo, std::chrono::seconds timeout,
                                   const std::atomic<bool>& stop,
                                   const std::function<void()>& keep_alive) {
    auto child = spawn_fetch(repo);
    if (!child) {
        return std::unexpected(child.error());
    }
    const auto deadline = Clock::now() + timeout;
    std::optional<int> status;
    std::string why_ended;
    while (!(status = reap(child->pid))) {
        if (Clock::now() >= deadline || stop) {
            why_ended =
                stop ? "stopped: the daemon is shutting down"
                     : "timed out after " + std::to_string(timeout.count()) + " s and was ended";
            status = end_group(child->pid);
            break;
        }
        keep_alive();
        read_stderr(*child, std::chrono::milliseconds(50));
    }
    ::close(child->stderr_fd);
    if (!why_ended.empty()) {
        return model::fail("git fetch " + why_ended);
    }
    return describe_exit(*status, *child);
}

} // namespace pulse_daemon
