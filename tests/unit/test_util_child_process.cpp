#include "util/child_process.hpp"

#include <csignal>
#include <doctest/doctest.h>
#include <fcntl.h>
#include <filesystem>
#include <unistd.h>

namespace {

std::string read_all(int fd) {
    std::string text;
    char buffer[4096];
    ssize_t n = 0;
    while ((n = ::read(fd, buffer, sizeof buffer)) > 0) {
        text.append(buffer, static_cast<std::size_t>(n));
    }
    return text;
}

// Return what `command` (run by sh, in a child spawned as `options` say
// otherwise) printed.
std::string output_of(util::SpawnOptions options, const std::string& command) {
    options.argv = {"sh", "-c", command};
    options.out = util::Stream::pipe;
    auto child = util::spawn(options);
    REQUIRE(child.has_value());
    auto text = read_all(child->output());
    CHECK(child->wait() == 0);
    return text;
}

// Return a signal mask line (SigBlk, SigIgn) of a child's /proc status.
unsigned long long child_signals(const util::SpawnOptions& options, const std::string& line) {
    const auto text = output_of(options, "grep '^" + line + ":' /proc/self/status");
    REQUIRE(text.size() > line.size() + 1);
    return std::stoull(text.substr(line.size() + 1), nullptr, 16);
}

bool has(unsigned long long mask, int signal) {
    return (mask >> (signal - 1)) & 1U;
}

// Set a signal's disposition for as long as it lives.
class Disposition {
public:
    Disposition(int signal, void (*handler)(int))
        : m_signal(signal), m_old(std::signal(signal, handler)) {}
    ~Disposition() { std::signal(m_signal, m_old); }
    Disposition(const Disposition&) = delete;
    Disposition& operator=(const Disposition&) = delete;

private:
    int m_signal;
    void (*m_old)(int);
};

} // namespace

TEST_SUITE("util::spawn") {
    TEST_CASE("a program is found in PATH, or the error says it is not") {
        CHECK(output_of({}, "echo found") == "found\n");
        const auto missing = util::spawn({.argv = {"pulse-no-such-program-7c1"}});
        REQUIRE_FALSE(missing.has_value());
        CHECK(missing.error() == "running 'pulse-no-such-program-7c1': not found in PATH");
    }

    TEST_CASE("streams come from /dev/null or pipes as asked") {
        auto child = util::spawn({.argv = {"sh", "-c", "cat; echo problem >&2; exit 3"},
                                  .in = util::Stream::null,
                                  .out = util::Stream::pipe,
                                  .err = util::Stream::pipe});
        REQUIRE(child.has_value());
        CHECK(child->input() == -1);
        CHECK(read_all(child->output()) == "");
        CHECK(read_all(child->errors()) == "problem\n");
        CHECK(child->wait() == 3);
    }

    TEST_CASE("a child can lead a process group or a session of its own") {
        auto grouped =
            util::spawn({.argv = {"cat"}, .in = util::Stream::pipe, .new_process_group = true});
        REQUIRE(grouped.has_value());
        CHECK(::getpgid(grouped->pid()) == grouped->pid());
        CHECK(::getsid(grouped->pid()) == ::getsid(0));
        grouped->close_input();
        CHECK(grouped->wait() == 0);

        auto alone = util::spawn({.argv = {"cat"}, .in = util::Stream::pipe, .new_session = true});
        REQUIRE(alone.has_value());
        CHECK(::getsid(alone->pid()) == alone->pid());
        alone->close_input();
        CHECK(alone->wait() == 0);

        auto plain = util::spawn({.argv = {"cat"}, .in = util::Stream::pipe});
        REQUIRE(plain.has_value());
        CHECK(::getpgid(plain->pid()) == ::getpgid(0));
        plain->close_input();
        CHECK(plain->wait() == 0);
    }

    TEST_CASE("other descriptors are closed only when asked") {
        const int fd = ::open("/dev/null", O_RDONLY); // inheritable on purpose
        REQUIRE(fd > 2);
        const auto probe =
            "if test -e /proc/self/fd/" + std::to_string(fd) + "; then echo open; fi";
        CHECK(output_of({}, probe) == "open\n");
        CHECK(output_of({.close_other_fds = true}, probe) == "");
        ::close(fd);
    }

    TEST_CASE("the environment gets the given variables in place of ours") {
        ::setenv("PULSE_TEST_KEPT", "kept", 1);
        ::setenv("PULSE_TEST_REPLACED", "ours", 1);
        const auto command = "echo $PULSE_TEST_KEPT $PULSE_TEST_REPLACED $PULSE_TEST_NEW";
        CHECK(output_of({}, command) == "kept ours\n");
        CHECK(output_of({.environment = {"PULSE_TEST_REPLACED=theirs", "PULSE_TEST_NEW=new"}},
                        command) == "kept theirs new\n");
        ::unsetenv("PULSE_TEST_KEPT");
        ::unsetenv("PULSE_TEST_REPLACED");
    }

    TEST_CASE("a bare name removes that variable, and only that one") {
        ::setenv("PULSE_TEST_GONE", "secret", 1);
        ::setenv("PULSE_TEST_GONE_NOT", "kept", 1);
        const auto command = "env | grep '^PULSE_TEST_GONE' | sort";
        CHECK(output_of({}, command) == "PULSE_TEST_GONE=secret\nPULSE_TEST_GONE_NOT=kept\n");
        CHECK(output_of({.environment = {"PULSE_TEST_GONE"}}, command) ==
              "PULSE_TEST_GONE_NOT=kept\n");
        ::unsetenv("PULSE_TEST_GONE");
        ::unsetenv("PULSE_TEST_GONE_NOT");
    }

    TEST_CASE("no signal is blocked, SIGPIPE is default, the stop signals when asked") {
        Disposition pipe(SIGPIPE, SIG_IGN);
        Disposition hangup(SIGHUP, SIG_IGN);
        sigset_t blocked, old;
        sigemptyset(&blocked);
        sigaddset(&blocked, SIGTERM);
        pthread_sigmask(SIG_BLOCK, &blocked, &old);
        const auto mask = child_signals({}, "SigBlk");
        const auto ignored = child_signals({}, "SigIgn");
        const auto stop_ignored = child_signals({.default_stop_signals = true}, "SigIgn");
        pthread_sigmask(SIG_SETMASK, &old, nullptr);
        CHECK_FALSE(has(mask, SIGTERM));
        CHECK_FALSE(has(ignored, SIGPIPE));
        CHECK(has(ignored, SIGHUP));
        CHECK_FALSE(has(stop_ignored, SIGHUP));
    }
}

TEST_SUITE("util::run_with_input") {
    TEST_CASE("the input reaches the program and its status comes back") {
        CHECK(util::run_with_input({"sh", "-c", "read n; exit $n"}, "7\n") == 7);
        CHECK(util::run_with_input({"sh", "-c", "kill -TERM $$"}, "") == 128 + SIGTERM);
    }

    TEST_CASE("a program that reads nothing does not make us die of SIGPIPE") {
        const std::string big(1 << 20, 'x');
        CHECK(util::run_with_input({"true"}, big) == 0);
    }
}

TEST_SUITE("util::run_for_output") {
    TEST_CASE("the output, or the first line of the error") {
        CHECK(util::run_for_output({"sh", "-c", "echo out; echo err >&2"}) == "out\n");
        const auto failed =
            util::run_for_output({"sh", "-c", "echo one >&2; echo two >&2; exit 1"});
        REQUIRE_FALSE(failed.has_value());
        CHECK(failed.error() == "one");
        const auto quiet = util::run_for_output({"sh", "-c", "exit 4"});
        REQUIRE_FALSE(quiet.has_value());
        CHECK(quiet.error() == "exit status 4");
    }
}

// Run `script` detached (its output written to a file when it is done), as
// `start` says; return what it wrote, empty if it wrote nothing in 5 s.
std::string detached_output(const std::string& script, const util::DetachedStart& start = {}) {
    char folder[] = "/tmp/pulse-detached-XXXXXX";
    REQUIRE(::mkdtemp(folder) != nullptr);
    const auto out = std::string(folder) + "/out";
    const auto command = "{ " + script + "; } > " + out + ".tmp; mv " + out + ".tmp " + out;
    REQUIRE(util::spawn_detached({"/bin/sh", "-c", command}, start).has_value());
    std::string text;
    for (int i = 0; i < 500 && text.empty(); ++i) {
        ::usleep(10'000);
        if (const int fd = ::open(out.c_str(), O_RDONLY); fd >= 0) {
            text = read_all(fd);
            ::close(fd);
        }
    }
    std::filesystem::remove_all(folder);
    return text;
}

TEST_SUITE("util::spawn_detached") {
    TEST_CASE("the program runs in a session of its own") {
        const auto sid = detached_output("cut -d' ' -f6 /proc/self/stat");
        REQUIRE_FALSE(sid.empty());
        CHECK(std::stol(sid) != ::getsid(0));
    }

    TEST_CASE("its input comes through a pipe, and its environment as given") {
        ::setenv("PULSE_TEST_HANDED", "in the environment", 1);
        const auto seen =
            detached_output("cat; echo \" ${PULSE_TEST_HANDED-unset}\"",
                            {.environment = {"PULSE_TEST_HANDED"}, .input = "on stdin"});
        ::unsetenv("PULSE_TEST_HANDED");
        CHECK(seen == "on stdin unset\n");
        CHECK_FALSE(util::spawn_detached({"true"}, {.input = std::string(65537, 'x')}));
    }
}
