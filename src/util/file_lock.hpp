#pragma once

#include <chrono>
#include <filesystem>

namespace util {

// An exclusive lock that one process holds while it delivers an outbox, so
// that events of one system go out in order and none is sent twice at once.
// It is an flock(2) on a file beside the outbox, released when the holder
// exits. Other work on the outbox that must not run twice at once (deriving
// recorded pushes) takes a lock of its own, named by `purpose`.
class DeliveryLock {
public:
    // Try to take the lock for the outbox at `outbox_path`, waiting at most
    // `wait`; the file is `outbox_path` + "." + purpose + ".lock".
    DeliveryLock(const std::filesystem::path& outbox_path, std::chrono::milliseconds wait,
                 const char* purpose = "deliver");
    ~DeliveryLock();
    DeliveryLock(const DeliveryLock&) = delete;
    DeliveryLock& operator=(const DeliveryLock&) = delete;

    // Return whether the lock is held.
    bool held() const { return m_held; }

private:
    int m_fd = -1;
    bool m_held = false;
};

} // namespace util
