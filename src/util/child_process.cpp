#include "util/child_process.hpp"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <memory>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <utility>

extern char** environ;

namespace util {

namespace {

// An owned file descriptor.
class Fd {
public:
    explicit Fd(int fd = -1) : m_fd(fd) {}
    ~Fd() { reset(); }
    Fd(Fd&& other) noexcept : m_fd(std::exchange(other.m_fd, -1)) {}
    Fd& operator=(Fd&&) = delete;
    int get() const { return m_fd; }
    void reset() {
        if (m_fd >= 0) {
            ::close(m_fd);
            m_fd = -1;
        }
    }

private:
    int m_fd;
};

// A pipe whose ends are closed on exec in this process's other children.
struct Pipe {
    Fd read;
    Fd write;
};

Expected<Pipe> make_pipe() {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) {
        return fail(std::string("creating a pipe: ") + std::strerror(errno));
    }
    return Pipe{Fd(fds[0]), Fd(fds[1])};
}

// posix_spawn file actions and attributes, destroyed with their owner.
struct SpawnSetup {
    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attributes;
    SpawnSetup() {
        posix_spawn_file_actions_init(&actions);
        posix_spawnattr_init(&attributes);
        sigset_t defaults;
        sigemptyset(&defaults);
        sigaddset(&defaults, SIGPIPE);
        posix_spawnattr_setsigdefault(&attributes, &defaults);
        sigset_t none;
        sigemptyset(&none);
        posix_spawnattr_setsigmask(&attributes, &none);
        flags = POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK;
    }
    ~SpawnSetup() {
        posix_spawn_file_actions_destroy(&actions);
        posix_spawnattr_destroy(&attributes);
    }
    SpawnSetup(const SpawnSetup&) = delete;
    SpawnSetup& operator=(const SpawnSetup&) = delete;
    short flags;
};

Expected<pid_t> spawn(const std::vector<std::string>& argv, SpawnSetup& setup) {
    std::vector<char*> args;
    for (const auto& arg : argv) {
        args.push_back(const_cast<char*>(arg.c_str()));
    }
    args.push_back(nullptr);
    posix_spawnattr_setflags(&setup.attributes, setup.flags);
    pid_t pid = 0;
    const int rc =
        ::posix_spawn(&pid, args[0], &setup.actions, &setup.attributes, args.data(), environ);
    if (rc != 0) {
        return fail("running '" + argv[0] + "': " + std::strerror(rc));
    }
    return pid;
}

// Like posix_spawn, but searching PATH when the program has no slash.
Expected<pid_t> spawn_program(const std::vector<std::string>& argv, SpawnSetup& setup) {
    if (argv[0].find('/') != std::string::npos) {
        return spawn(argv, setup);
    }
    const char* path = std::getenv("PATH");
    std::string_view dirs = path != nullptr ? path : "/usr/bin:/bin";
    while (!dirs.empty()) {
        const auto colon = std::min(dirs.find(':'), dirs.size());
        auto candidate = argv;
        candidate[0] = std::string(dirs.substr(0, colon)) + "/" + argv[0];
        dirs.remove_prefix(std::min(colon + 1, dirs.size()));
        if (::access(candidate[0].c_str(), X_OK) == 0) {
            return spawn(candidate, setup);
        }
    }
    return fail("running '" + argv[0] + "': not found in PATH");
}

int wait_status(pid_t pid) {
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (WIFSIGNALED(status)) {
        return 128 + WTERMSIG(status);
    }
    return WEXITSTATUS(status);
}

// Write everything, giving up quietly when the reader has gone.
void write_all(int fd, std::string_view data) {
    while (!data.empty()) {
        const auto n = ::write(fd, data.data(), data.size());
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return;
        }
        data.remove_prefix(static_cast<std::size_t>(n));
    }
}

std::string read_all(int fd) {
    std::string text;
    char buffer[4096];
    for (;;) {
        const auto n = ::read(fd, buffer, sizeof buffer);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return text;
        }
        text.append(buffer, static_cast<std::size_t>(n));
    }
}

// Ignore SIGPIPE for as long as it lives, so a reader that exits early is
// an EPIPE to shrug at, not our death.
class IgnoreSigpipe {
public:
    IgnoreSigpipe() { m_old = std::signal(SIGPIPE, SIG_IGN); }
    ~IgnoreSigpipe() { std::signal(SIGPIPE, m_old); }
    IgnoreSigpipe(const IgnoreSigpipe&) = delete;
    IgnoreSigpipe& operator=(const IgnoreSigpipe&) = delete;

private:
    void (*m_old)(int);
};

} // namespace

Expected<int> run_with_input(const std::vector<std::string>& argv, std::string_view input) {
    auto pipe = make_pipe();
    if (!pipe) {
        return std::unexpected(pipe.error());
    }
    SpawnSetup setup;
    posix_spawn_file_actions_adddup2(&setup.actions, pipe->read.get(), STDIN_FILENO);
    auto pid = spawn_program(argv, setup);
    if (!pid) {
        return std::unexpected(pid.error());
    }
    pipe->read.reset();
    {
        IgnoreSigpipe ignore;
        write_all(pipe->write.get(), input);
        pipe->write.reset();
    }
    return wait_status(*pid);
}

Expected<std::string> run_for_output(const std::vector<std::string>& argv) {
    auto out = make_pipe();
    auto err = make_pipe();
    if (!out || !err) {
        return std::unexpected(out ? err.error() : out.error());
    }
    SpawnSetup setup;
    posix_spawn_file_actions_addopen(&setup.actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&setup.actions, out->write.get(), STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&setup.actions, err->write.get(), STDERR_FILENO);
    auto pid = spawn_program(argv, setup);
    if (!pid) {
        return std::unexpected(pid.error());
    }
    out->write.reset();
    err->write.reset();
    // Git's error output is a line or two; drain stdout first, then it.
    auto text = read_all(out->read.get());
    const auto problem = read_all(err->read.get());
    if (const int status = wait_status(*pid); status != 0) {
        const auto first_line = problem.substr(0, problem.find('\n'));
        return fail(first_line.empty() ? "exit status " + std::to_string(status) : first_line);
    }
    return text;
}

Expected<void> spawn_detached(const std::vector<std::string>& argv) {
    // posix_spawn (a vfork underneath) costs the hook far less than the
    // fork-setsid-fork dance, and needs no second fork: the hook exits at
    // once, so the child is reparented to init and never left a zombie.
    SpawnSetup setup;
    setup.flags |= POSIX_SPAWN_SETSID;
    for (const int fd : {STDIN_FILENO, STDOUT_FILENO, STDERR_FILENO}) {
        posix_spawn_file_actions_addopen(&setup.actions, fd, "/dev/null", O_RDWR, 0);
    }
    posix_spawn_file_actions_addclosefrom_np(&setup.actions, STDERR_FILENO + 1);
    auto pid = spawn(argv, setup);
    if (!pid) {
        return std::unexpected(pid.error());
    }
    return {};
}

} // namespace util
