#pragma once

#include "util/expected.hpp"

#include <chrono>
#include <filesystem>

namespace util {

// inotify on one folder: wakes a waiter when a file in it is closed after
// writing or moved into it (how a spooled record lands).
class FolderWatch {
public:
    // Start watching `folder`; the error names it.
    static Expected<FolderWatch> open(const std::filesystem::path& folder);
    ~FolderWatch();
    FolderWatch(FolderWatch&& other) noexcept;
    FolderWatch& operator=(FolderWatch&&) = delete;
    FolderWatch(const FolderWatch&) = delete;
    FolderWatch& operator=(const FolderWatch&) = delete;

    // Wait at most `timeout` for something to land; return whether it did,
    // having read every notice that was waiting.
    bool wait(std::chrono::milliseconds timeout);

private:
    explicit FolderWatch(int fd) : m_fd(fd) {}

    int m_fd;
};

} // namespace util
