#include "daemon/service_notifier.hpp"

#include <cstdint>
#include <cstdlib>
#include <dlfcn.h>
#include <spdlog/spdlog.h>
#include <systemd/sd-daemon.h>
#include <type_traits>

namespace watch {

namespace {

// Linked, libsystemd and its seven libraries (lz4, zstd, gcrypt...) would
// cost every start of pulse-agent, a git hook above all, about a millisecond
// of symbol binding; only the daemon under systemd needs it.
void* load_libsystemd() {
    if (std::getenv("NOTIFY_SOCKET") == nullptr) {
        return nullptr;
    }
    void* library = ::dlopen("libsystemd.so.0", RTLD_NOW | RTLD_LOCAL);
    if (library == nullptr) {
        const char* why = ::dlerror();
        spdlog::warn("systemd notifications are off: {}", why != nullptr ? why : "");
    }
    return library;
}

template <typename Function>
void resolve(void* library, const char* name, Function& function) {
    function = reinterpret_cast<Function>(::dlsym(library, name));
}

} // namespace

ServiceNotifier::ServiceNotifier() {
    static_assert(std::is_same_v<decltype(m_notify), decltype(&::sd_notify)>);
    static_assert(std::is_same_v<decltype(m_watchdog_enabled), decltype(&::sd_watchdog_enabled)>);
    if (void* library = load_libsystemd()) {
        resolve(library, "sd_notify", m_notify);
        resolve(library, "sd_watchdog_enabled", m_watchdog_enabled);
    }
    std::uint64_t usec = 0;
    if (m_watchdog_enabled != nullptr && m_watchdog_enabled(0, &usec) > 0) {
        m_watchdog = std::chrono::microseconds(usec);
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

} // namespace watch
