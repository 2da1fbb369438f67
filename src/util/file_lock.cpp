#include "util/file_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <thread>
#include <unistd.h>

namespace util {

DeliveryLock::DeliveryLock(const std::filesystem::path& outbox_path, std::chrono::milliseconds wait,
                           const char* purpose) {
    const auto lock_path = outbox_path.string() + "." + purpose + ".lock";
    m_fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (m_fd < 0) {
        return;
    }
    const auto deadline = std::chrono::steady_clock::now() + wait;
    for (;;) {
        if (::flock(m_fd, LOCK_EX | LOCK_NB) == 0) {
            m_held = true;
            return;
        }
        if (std::chrono::steady_clock::now() >= deadline) {
            return;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
}

DeliveryLock::~DeliveryLock() {
    if (m_fd >= 0) {
        ::close(m_fd);
    }
}

} // namespace util
