#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace pulse_daemon {

// Tells systemd how the daemon is doing (sd_notify): READY, STATUS, WATCHDOG,
// RELOADING, STOPPING. Silent when systemd did not start us (no NOTIFY_SOCKET).
class ServiceNotifier {
public:
    using Clock = std::chrono::steady_clock;

    // Read whether systemd wants watchdog pings, and how often.
    ServiceNotifier();

    // Say the daemon is up, with a first status line.
    void ready(const std::string& status);
    // Replace the status line (sent only when it changed).
    void status(const std::string& status);
    // Say a reload started; ready() ends it.
    void reloading();
    // Say the daemon is stopping.
    void stopping();
    // Ping the watchdog when it is due; cheap to call often.
    void keep_alive();
    // Return when keep_alive() must be called next (far away without a watchdog).
    Clock::time_point next_keep_alive() const;

private:
    // Load sd_notify and sd_watchdog_enabled; warn and leave them null when
    // libsystemd cannot be loaded.
    void load_libsystemd();
    // Send one message to systemd (nothing when not started by it).
    void send(const std::string& message);

    // sd_notify and sd_watchdog_enabled from libsystemd, loaded only when
    // systemd started us (NOTIFY_SOCKET is set); null otherwise.
    int (*m_notify)(int, const char*) = nullptr;
    int (*m_watchdog_enabled)(int, std::uint64_t*) = nullptr;
    std::chrono::microseconds m_watchdog{0};
    Clock::time_point m_last_ping = Clock::now();
    std::string m_status;
};

} // namespace pulse_daemon
