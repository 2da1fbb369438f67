#pragma once

#include "model/error.hpp"

#include <filesystem>
#include <optional>

namespace pulse_daemon {

// An exclusive flock(2) on a file beside the state file, held for the
// daemon's whole life, so two daemons never poll into one state file. The
// file holds the holder's pid for the error message of the second one.
class StateLock {
public:
    // Take the lock for the state file at `state_path`, creating its folder;
    // fails with a message naming the running daemon when it is held.
    static model::Expected<StateLock> acquire(const std::filesystem::path& state_path);

    // Return whether a daemon holds the lock of this state file, and its pid.
    static std::optional<long> holder(const std::filesystem::path& state_path);

    StateLock(StateLock&& other) noexcept;
    StateLock& operator=(StateLock&&) = delete;
    StateLock(const StateLock&) = delete;
    ~StateLock();

    // Return the lock file's path.
    static std::filesystem::path lock_path(const std::filesystem::path& state_path);

private:
    // Own the descriptor that holds the lock.
    explicit StateLock(int fd) : m_fd(fd) {}
    int m_fd = -1;
};

} // namespace pulse_daemon
