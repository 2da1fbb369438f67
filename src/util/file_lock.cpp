#include "util/file_lock.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>
#include <utility>

namespace util {

namespace {

// How often a waiting acquire tries again.
constexpr auto k_retry = std::chrono::milliseconds(20);

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

void write_pid(int fd) {
    const auto text = std::to_string(::getpid()) + "\n";
    if (::ftruncate(fd, 0) == 0) {
        [[maybe_unused]] const auto written = ::pwrite(fd, text.data(), text.size(), 0);
    }
}

// Make the lock file's folder and every missing one above it owner-only,
// whatever the umask, as the outbox's are (see outbox/creation.cpp).
void make_folder(const std::filesystem::path& path) {
    std::error_code ec;
    const auto folder = path.parent_path();
    if (!folder.empty() && !std::filesystem::exists(folder, ec)) {
        make_folder(folder);
        ::mkdir(folder.c_str(), 0700);
        ::chmod(folder.c_str(), 0700);
    }
}

// Take the exclusive lock within `wait`: 0, EWOULDBLOCK when another still
// holds it then, or the error that stopped us at once.
int lock_within(int fd, std::chrono::milliseconds wait) {
    const auto deadline = std::chrono::steady_clock::now() + wait;
    while (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        if (errno != EWOULDBLOCK && errno != EINTR) {
            return errno;
        }
        if (std::chrono::steady_clock::now() >= deadline) {
            return EWOULDBLOCK;
        }
        std::this_thread::sleep_for(k_retry);
    }
    return 0;
}

LockFailure held_failure(const std::filesystem::path& path, int fd) {
    LockFailure failure{"", true, read_pid(fd)};
    failure.message = "lock file '" + path.string() + "' is held by " +
                      (failure.holder ? "pid " + std::to_string(*failure.holder)
                                      : std::string("another process"));
    return failure;
}

} // namespace

std::expected<FileLock, LockFailure> FileLock::acquire(const std::filesystem::path& path,
                                                       std::chrono::milliseconds wait) {
    make_folder(path);
    // O_NOFOLLOW: a symbolic link planted in a writable folder is refused, not
    // followed to create the file it names (as root, anywhere).
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) {
        return std::unexpected(LockFailure{
            "opening lock file '" + path.string() + "': " + std::strerror(errno), false, {}});
    }
    FileLock lock(fd);
    const int error = lock_within(fd, wait);
    if (error == EWOULDBLOCK) {
        return std::unexpected(held_failure(path, fd));
    }
    if (error != 0) {
        return std::unexpected(
            LockFailure{"locking '" + path.string() + "': " + std::strerror(error), false, {}});
    }
    return lock;
}

std::expected<FileLock, LockFailure>
FileLock::acquire_recording_pid(const std::filesystem::path& path, std::chrono::milliseconds wait) {
    auto lock = acquire(path, wait);
    if (lock) {
        write_pid(lock->m_fd);
    }
    return lock;
}

std::optional<long> FileLock::holder(const std::filesystem::path& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
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

FileLock::FileLock(FileLock&& other) noexcept : m_fd(std::exchange(other.m_fd, -1)) {}

FileLock& FileLock::operator=(FileLock&& other) noexcept {
    if (this != &other) {
        if (m_fd >= 0) {
            ::close(m_fd);
        }
        m_fd = std::exchange(other.m_fd, -1);
    }
    return *this;
}

FileLock::~FileLock() {
    if (m_fd >= 0) {
        ::close(m_fd);
    }
}

} // namespace util
