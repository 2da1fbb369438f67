#pragma once

#include <chrono>
#include <expected>
#include <filesystem>
#include <optional>
#include <string>

namespace util {

// Why a lock was not taken.
struct LockFailure {
    // Say what went wrong, naming the lock file (and the holder's pid, if known).
    std::string message;
    // Tell whether another open file holds the lock, as opposed to the lock
    // file being impossible to open.
    bool held = false;
    // Give the pid the holder recorded in the file, if it recorded one.
    std::optional<long> holder;
};

// An exclusive flock(2) on a lock file, held as long as the object lives
// (and released by the kernel when the holder exits): what keeps two
// processes from delivering one outbox, deriving into it or polling into it
// at once. flock locks belong to the open file, so a second FileLock on the
// same file conflicts even within one process.
class FileLock {
public:
    // Take the lock at `path`, creating the file (and its folder, private),
    // waiting at most `wait` while another holds it.
    static std::expected<FileLock, LockFailure> acquire(const std::filesystem::path& path,
                                                        std::chrono::milliseconds wait);

    // Take the lock like acquire, then write this process's pid into the
    // file, for holder() and for the failure of whoever tries next.
    static std::expected<FileLock, LockFailure>
    acquire_recording_pid(const std::filesystem::path& path, std::chrono::milliseconds wait);

    // Return whether a process holds the lock at `path`, and the pid it
    // recorded (0 when it recorded none).
    static std::optional<long> holder(const std::filesystem::path& path);

    FileLock(FileLock&& other) noexcept;
    FileLock& operator=(FileLock&& other) noexcept;
    FileLock(const FileLock&) = delete;
    FileLock& operator=(const FileLock&) = delete;
    ~FileLock();

private:
    // Own the descriptor that holds the lock.
    explicit FileLock(int fd) : m_fd(fd) {}
    int m_fd = -1;
};

} // namespace util
