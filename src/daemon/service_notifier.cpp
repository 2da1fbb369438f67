#include "daemon/service_notifier.hpp"

#include "model/error.hpp"
#include "util/shared_library.hpp"

#include <cstdint>
#include <cstdlib>
#include <spdlog/spdlog.h>
#include <systemd/sd-daemon.h>
#include <type_traits>

namespace pulse_daemon {

ServiceNotifier::ServiceNotifier() {
    static_assert(std::is_same_v<decltype(m_notify), decltype(&::sd_notify)>);
    static_assert(std::is_same_v<decltype(m_watchdog_enabled), decltype(&::sd_watchdog_enabled)>);
    // libsystemd and its seven libraries (lz4, zstd, gcrypt...) are only
    // needed by the daemon under systemd: loaded then, not linked.
    if (std::getenv("NOTIFY_SOCKET") != nullptr) {
        load_libsystemd();
    }
    std::uint64_t usec = 0;
    if (m_watchdog_enabled != nullptr && m_watchdog_enabled(0, &usec) > 0) {
        m_watchdog = std::chrono::microseconds(usec);
    }
}

void ServiceNotifier::load_libsystemd() {
    try {
        const auto library =
            model::value_or_throw(util::SharedLibrary::open("libsystemd.so.0", "libsystemd0"));
        library.resolve("sd_notify", m_notify);
        library.resolve("sd_watchdog_enabled", m_watchdog_enabled);
    } catch (const std::exception& e) {
        m_notify = nullptr;
        m_watchdog_enabled = nullptr;
        spdlog::warn("systemd notifications are off: {}", e.what());
    }
}

void ServiceNotifier::send(const std::string& message) {
    if (m_notify != nullptr) {
        m_notify(0, message.c_str());
    }
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

} // namespace pulse_daemon
