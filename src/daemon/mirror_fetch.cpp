#include "daemon/mirror_fetch.hpp"

#include "git/trust.hpp"
#include "util/child_process.hpp"

#include <csignal>
#include <optional>
#include <poll.h>
#include <string>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace pulse_daemon {

namespace {

using Clock = std::chrono::steady_clock;

// Keep this much of git's stderr: its last line says what went wrong.
constexpr std::size_t k_stderr_tail = 4096;

// A spawned git fetch (its pid is also its process group) and the tail of
// its stderr.
struct Fetch {
    util::Child child;
    std::string stderr_tail;
};

// Start git in a process group of its own with default signal handling (ours
// are blocked and would be inherited), stdin and stdout on /dev/null and
// stderr on a pipe.
model::Expected<Fetch> spawn_fetch(const std::filesystem::path& repo) {
    // A trusted owner's mirror is fetched although another user owns it:
    // git honours safe.directory from its command line.
    std::vector<std::string> argv{"git"};
    if (git::is_trusted(repo)) {
        argv.insert(argv.end(), {"-c", "safe.directory=" + repo.string()});
    }
    argv.insert(argv.end(), {"-C", repo.string(), "fetch", "--all", "--prune", "--quiet"});
    auto child = util::spawn({.argv = argv,
                              .in = util::Stream::null,
                              .out = util::Stream::null,
                              .err = util::Stream::pipe,
                              .new_process_group = true,
                              .default_stop_signals = true,
                              // Never wait for a password nobody will type.
                              .environment = {"GIT_TERMINAL_PROMPT=0"}});
    TRY(child);
    return Fetch{std::move(*child), {}};
}

void read_stderr(Fetch& fetch, std::chrono::milliseconds wait) {
    pollfd fd{fetch.child.errors(), POLLIN, 0};
    if (::poll(&fd, 1, static_cast<int>(wait.count())) <= 0) {
        return;
    }
    char buffer[1024];
    const auto n = ::read(fetch.child.errors(), buffer, sizeof buffer);
    if (n > 0) {
        fetch.stderr_tail.append(buffer, static_cast<std::size_t>(n));
        if (fetch.stderr_tail.size() > k_stderr_tail) {
            fetch.stderr_tail.erase(0, fetch.stderr_tail.size() - k_stderr_tail);
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

model::Expected<void> describe_exit(int status, const Fetch& fetch) {
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
        return {};
    }
    std::string text = WIFEXITED(status)
                           ? "git fetch exited with " + std::to_string(WEXITSTATUS(status))
                           : "git fetch was killed by signal " + std::to_string(WTERMSIG(status));
    const auto line = last_line(fetch.stderr_tail);
    return model::fail(line.empty() ? text : text + ": " + line);
}

} // namespace

model::Expected<void> fetch_mirror(const std::filesystem::path& repo, std::chrono::seconds timeout,
                                   const std::atomic<bool>& stop,
                                   const std::function<void()>& keep_alive) {
    TRY_ASSIGN(auto fetch, spawn_fetch(repo));
    const auto deadline = Clock::now() + timeout;
    std::optional<int> status;
    std::string why_ended;
    while (!(status = reap(fetch.child.pid()))) {
        if (Clock::now() >= deadline || stop) {
            why_ended =
                stop ? "stopped: the daemon is shutting down"
                     : "timed out after " + std::to_string(timeout.count()) + " s and was ended";
            status = end_group(fetch.child.pid());
            break;
        }
        keep_alive();
        read_stderr(fetch, std::chrono::milliseconds(50));
    }
    if (!why_ended.empty()) {
        return model::fail("git fetch " + why_ended);
    }
    return describe_exit(*status, fetch);
}

} // namespace pulse_daemon
