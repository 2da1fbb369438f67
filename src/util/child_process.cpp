#include "util/child_process.hpp"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <iterator>
#include <spawn.h>
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
    Fd& operator=(Fd&& other) noexcept {
        reset();
        m_fd = std::exchange(other.m_fd, -1);
        return *this;
    }
    int get() const { return m_fd; }
    int release() { return std::exchange(m_fd, -1); }
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
    short flags = POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK;
    SpawnSetup() {
        posix_spawn_file_actions_init(&actions);
        posix_spawnattr_init(&attributes);
    }
    ~SpawnSetup() {
        posix_spawn_file_actions_destroy(&actions);
        posix_spawnattr_destroy(&attributes);
    }
    SpawnSetup(const SpawnSetup&) = delete;
    SpawnSetup& operator=(const SpawnSetup&) = delete;
};

// Unblock every signal in the child and give SIGPIPE (and maybe the stop
// signals) their default handling: a mask and ignored signals are inherited.
void set_signals(SpawnSetup& setup, bool stop_signals) {
    sigset_t defaults;
    sigemptyset(&defaults);
    sigaddset(&defaults, SIGPIPE);
    if (stop_signals) {
        for (const int signal : {SIGTERM, SIGINT, SIGHUP}) {
            sigaddset(&defaults, signal);
        }
    }
    posix_spawnattr_setsigdefault(&setup.attributes, &defaults);
    sigset_t none;
    sigemptyset(&none);
    posix_spawnattr_setsigmask(&setup.attributes, &none);
}

// Arrange standard stream `fd` of the child. A pipe's end for us is
// returned, the child's end kept in `theirs` until the child is started.
Expected<Fd> set_stream(SpawnSetup& setup, int fd, Stream stream, std::vector<Fd>& theirs) {
    if (stream == Stream::null) {
        const int mode = fd == STDIN_FILENO ? O_RDONLY : O_WRONLY;
        posix_spawn_file_actions_addopen(&setup.actions, fd, "/dev/null", mode, 0);
    }
    if (stream != Stream::pipe) {
        return Fd();
    }
    auto pipe = make_pipe();
    if (!pipe) {
        return std::unexpected(pipe.error());
    }
    const bool reads = fd == STDIN_FILENO;
    auto& child_end = reads ? pipe->read : pipe->write;
    posix_spawn_file_actions_adddup2(&setup.actions, child_end.get(), fd);
    theirs.push_back(std::move(child_end));
    return std::move(reads ? pipe->write : pipe->read);
}

// Our environment with `overrides` (NAME=value) in place of our values, and
// without the variables an override names bare (NAME).
std::vector<std::string> environment_with(const std::vector<std::string>& overrides) {
    std::vector<std::string> env;
    for (char** entry = environ; *entry != nullptr; ++entry) {
        const std::string_view variable(*entry);
        const auto name = variable.substr(0, variable.find('='));
        const auto overridden = [&](const std::string& o) {
            return o.starts_with(name) && (o.size() == name.size() || o[name.size()] == '=');
        };
        if (std::none_of(overrides.begin(), overrides.end(), overridden)) {
            env.emplace_back(variable);
        }
    }
    std::copy_if(overrides.begin(), overrides.end(), std::back_inserter(env),
                 [](const std::string& o) { return o.find('=') != std::string::npos; });
    return env;
}

std::vector<char*> pointers(const std::vector<std::string>& strings) {
    std::vector<char*> result;
    for (const auto& s : strings) {
        result.push_back(const_cast<char*>(s.c_str()));
    }
    result.push_back(nullptr);
    return result;
}

Expected<pid_t> spawn_at(const std::string& program, const SpawnOptions& options,
                         SpawnSetup& setup) {
    auto args = pointers(options.argv);
    const auto env = options.environment.empty() ? std::vector<std::string>()
                                                 : environment_with(options.environment);
    auto env_pointers = pointers(env);
    posix_spawnattr_setflags(&setup.attributes, setup.flags);
    pid_t pid = 0;
    const int rc =
        ::posix_spawn(&pid, program.c_str(), &setup.actions, &setup.attributes, args.data(),
                      options.environment.empty() ? environ : env_pointers.data());
    if (rc != 0) {
        return fail("running '" + options.argv[0] + "': " + std::strerror(rc));
    }
    return pid;
}

// Like posix_spawn, but searching PATH when the program has no slash.
Expected<pid_t> spawn_program(const SpawnOptions& options, SpawnSetup& setup) {
    const auto& program = options.argv[0];
    if (program.find('/') != std::string::npos) {
        return spawn_at(program, options, setup);
    }
    const char* path = std::getenv("PATH");
    std::string_view dirs = path != nullptr ? path : "/usr/bin:/bin";
    while (!dirs.empty()) {
        const auto colon = std::min(dirs.find(':'), dirs.size());
        const auto candidate = std::string(dirs.substr(0, colon)) + "/" + program;
        dirs.remove_prefix(std::min(colon + 1, dirs.size()));
        if (::access(candidate.c_str(), X_OK) == 0) {
            return spawn_at(candidate, options, setup);
        }
    }
    return fail("running '" + program + "': not found in PATH");
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

namespace {

// Write `input` to the child's standard input pipe and close it: it reads
// end of file after it. A child that exits without reading costs nothing.
void feed(Child& child, std::string_view input) {
    IgnoreSigpipe ignore;
    write_all(child.input(), input);
    child.close_input();
}

} // namespace

Child::Child(Child&& other) noexcept
    : m_pid(std::exchange(other.m_pid, -1)), m_fds{std::exchange(other.m_fds[0], -1),
                                                   std::exchange(other.m_fds[1], -1),
                                                   std::exchange(other.m_fds[2], -1)} {}

Child::~Child() {
    for (const int fd : m_fds) {
        if (fd >= 0) {
            ::close(fd);
        }
    }
}

void Child::close_input() {
    if (m_fds[0] >= 0) {
        ::close(std::exchange(m_fds[0], -1));
    }
}

int Child::wait() {
    int status = 0;
    while (::waitpid(m_pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (WIFSIGNALED(status)) {
        return 128 + WTERMSIG(status);
    }
    return WEXITSTATUS(status);
}

Expected<Child> spawn(const SpawnOptions& options) {
    SpawnSetup setup;
    set_signals(setup, options.default_stop_signals);
    if (options.new_process_group) {
        posix_spawnattr_setpgroup(&setup.attributes, 0);
        setup.flags |= POSIX_SPAWN_SETPGROUP;
    }
    if (options.new_session) {
        setup.flags |= POSIX_SPAWN_SETSID;
    }
    Fd ours[3];
    std::vector<Fd> theirs;
    const Stream streams[3] = {options.in, options.out, options.err};
    for (int fd = 0; fd < 3; ++fd) {
        auto end = set_stream(setup, fd, streams[fd], theirs);
        if (!end) {
            return std::unexpected(end.error());
        }
        ours[fd] = std::move(*end);
    }
    if (options.close_other_fds) {
        posix_spawn_file_actions_addclosefrom_np(&setup.actions, STDERR_FILENO + 1);
    }
    auto pid = spawn_program(options, setup);
    if (!pid) {
        return std::unexpected(pid.error());
    }
    return Child(*pid, ours[0].release(), ours[1].release(), ours[2].release());
}

Expected<int> run_with_input(const std::vector<std::string>& argv, std::string_view input) {
    auto child = spawn({.argv = argv, .in = Stream::pipe});
    if (!child) {
        return std::unexpected(child.error());
    }
    feed(*child, input);
    return child->wait();
}

Expected<std::string> run_for_output(const std::vector<std::string>& argv) {
    auto child =
        spawn({.argv = argv, .in = Stream::null, .out = Stream::pipe, .err = Stream::pipe});
    if (!child) {
        return std::unexpected(child.error());
    }
    // Git's error output is a line or two; drain stdout first, then it.
    auto text = read_all(child->output());
    const auto problem = read_all(child->errors());
    if (const int status = child->wait(); status != 0) {
        const auto first_line = problem.substr(0, problem.find('\n'));
        return fail(first_line.empty() ? "exit status " + std::to_string(status) : first_line);
    }
    return text;
}

Expected<void> spawn_detached(const std::vector<std::string>& argv, const DetachedStart& start) {
    // A pipe's buffer holds 64 KiB (Linux's default); more would make us wait
    // for the child to read.
    constexpr std::size_t k_pipe_capacity = 65536;
    if (start.input.size() > k_pipe_capacity) {
        return fail("running '" + argv.at(0) + "': its input does not fit a pipe");
    }
    // posix_spawn (a vfork underneath) costs the hook far less than the
    // fork-setsid-fork dance, and needs no second fork: the hook exits at
    // once, so the child is reparented to init and never left a zombie.
    auto child = spawn({.argv = argv,
                        .in = start.input.empty() ? Stream::null : Stream::pipe,
                        .out = Stream::null,
                        .err = Stream::null,
                        .new_session = true,
                        .close_other_fds = true,
                        .environment = start.environment});
    if (!child) {
        return std::unexpected(child.error());
    }
    if (!start.input.empty()) {
        feed(*child, start.input);
    }
    return {};
}

} // namespace util
