#include "util/folder_watch.hpp"

#include <cerrno>
#include <cstring>
#include <poll.h>
#include <sys/inotify.h>
#include <unistd.h>

namespace util {

Expected<FolderWatch> FolderWatch::open(const std::filesystem::path& folder) {
    const int fd = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (fd < 0) {
        return fail(std::string("inotify: ") + std::strerror(errno));
    }
    if (::inotify_add_watch(fd, folder.c_str(), IN_CLOSE_WRITE | IN_MOVED_TO | IN_ONLYDIR) < 0) {
        const std::string problem = std::strerror(errno);
        ::close(fd);
        return fail("watching folder '" + folder.string() + "': " + problem);
    }
    return FolderWatch(fd);
}

FolderWatch::~FolderWatch() {
    if (m_fd >= 0) {
        ::close(m_fd);
    }
}

FolderWatch::FolderWatch(FolderWatch&& other) noexcept : m_fd(other.m_fd) {
    other.m_fd = -1;
}

bool FolderWatch::wait(std::chrono::milliseconds timeout) {
    pollfd item{m_fd, POLLIN, 0};
    if (::poll(&item, 1, static_cast<int>(timeout.count())) <= 0) {
        return false;
    }
    // Drain: one wake-up stands for however many files landed meanwhile.
    alignas(inotify_event) char buffer[4096];
    bool landed = false;
    while (::read(m_fd, buffer, sizeof buffer) > 0) {
        landed = true;
    }
    return landed;
}

} // namespace util
