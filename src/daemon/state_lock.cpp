#include "daemon/state_lock.hpp"

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fcntl.h>
#include <string>
#include <sys/file.h>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

namespace pulse_daemon {

namespace {

// How long a starting daemon waits for the lock, so that `status` testing it
// at the same moment does not make the start fail.
constexpr auto k_patience = std::chrono::milliseconds(1000);

std::optional<long> read_pid(int fd) {
    char buffer[32] = {};
    const auto n = ::pread(fd, buffer, sizeof buffer - 1, 0);
    if (n <= 0) {
        return std::nullopt;
    }
    try {
        return std::stol(std::string(buffer, static_cast<std::size_t>(n)));
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

bool lock_within_patience(int fd) {
    const auto deadline = std::chrono::steady_clock::now() + k_patience;
    while (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        if (errno != EWOULDBLOCK || std::chrono::steady_clock::now() >= deadline) {
            return false;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return true;
}

void write_pid(int fd) {
    const auto text = std::to_string(::getpid()) + "\n";
    if (::ftruncate(fd, 0) == 0) {
        [[maybe_unused]] const auto written = ::pwrite(fd, text.data(), text.size(), 0);
    }
}

} // namespace

std::filesystem::path StateLock::lock_path(const std::filesystem::path& state_path) {
    return state_path.string() + ".watch.lock";
}

model::Expected<StateLock> StateLock::acquire(const std::filesystem::path& state_path) {
    const auto path = lock_path(state_path);
    // The state file's folder, made here first, is private as the outbox makes it.
    std::error_code ec;
    const auto folder = path.parent_path();
    if (!folder.empty() && !std::filesystem::exists(folder, ec)) {
        std::filesystem::create_directories(folder, ec);
        ::chmod(folder.c_str(), 0700);
    }
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) {
        return model::fail("opening lock file '" + path.string() + "': " + std::strerror(errno));
    }
    if (!lock_within_patience(fd)) {
        const auto pid = read_pid(fd);
        ::close(fd);
        return model::fail("another pulse-agent watch" +
                           (pid ? " (pid " + std::to_string(*pid) + ")" : std::string()) +
                           " is already running on state file '" + state_path.string() +
                           "' (lock file '" + path.string() + "')");
    }
    write_pid(fd);
    return StateLock(fd);
}

std::optional<long> StateLock::holder(const std::filesystem::path& state_path) {
    const int fd = ::open(lock_path(state_path).c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return std::nullopt;
    }
    std::optional<long> pid;
    if (::flock(fd, LOCK_SH | LOCK_NB) != 0) {
        pid = read_pid(fd).value_or(0);
    }
    ::close(fd);
    return pid;
}

StateLock::StateLock(StateLock&& other) noexcept : m_fd(other.m_fd) {
    other.m_fd = -1;
}

StateLock::~StateLock() {
    if (m_fd >= 0) {
        ::close(m_fd);
    }
}

} // namespace pulse_daemon
