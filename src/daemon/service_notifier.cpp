#include "daemon/service_notifier.hpp"

#include <cstdint>
#include <systemd/sd-daemon.h>

namespace watch {

ServiceNotifier::ServiceNotifier() {
    std::uint64_t usec = 0;
    if (sd_watchdog_enabled(0, &usec) > 0) {
        m_watchdog = std::chrono::microseconds(usec);
    }
}

void ServiceNotifier::send(const std::string& message) {
    sd_notify(0, message.c_str());
}

void ServiceNotifier::ready(const std::string& status) {
    m_status = status;
    send("READY=1\nSTATUS=" + status);
    keep_alive();
}

void ServiceNotifier::status(const std::string& status) {
    if (status != m_status) {
        m_status = status;
        send("STATUS=" + status);
    }
}

void ServiceNotifier::reloading() {
    send("RELOADING=1");
}

void ServiceNotifier::stopping() {
    send("STOPPING=1");
}

void ServiceNotifier::keep_alive() {
    if (m_watchdog.count() == 0) {
        return;
    }
    const auto now = Clock::now();
    // A quarter of the interval leaves room for one slow step between pings.
    if (now - m_last_ping >= m_watchdog / 4) {
        send("WATCHDOG=1");
        m_last_ping = now;
    }
}

ServiceNotifier::Clock::time_point ServiceNotifier::next_keep_alive() const {
    if (m_watchdog.count() == 0) {
        return Clock::time_point::max();
    }
    return m_last_ping + m_watchdog / 4;
}

} // namespace watch
