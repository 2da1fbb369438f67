#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

namespace pulse_daemon {

// SIGTERM, SIGINT and SIGHUP as the daemon sees them: blocked in every thread
// and taken by one thread of their own, which turns them into flags and wakes
// whoever sleeps in wait_until(); nudges from the spool watcher wake it too.
class Signals {
public:
    using Clock = std::chrono::steady_clock;

    // Block the signals in this thread, and so in every thread started after
    // it, and start taking them.
    Signals();
    ~Signals();
    Signals(const Signals&) = delete;
    Signals& operator=(const Signals&) = delete;

    // Return the flag that turns true on SIGTERM or SIGINT (or request_stop).
    const std::atomic<bool>& stop_flag() const { return m_stop; }
    // Return whether the daemon was asked to stop.
    bool stop_requested() const { return m_stop.load(); }
    // Return the name of the signal that asked to stop ("" when none did).
    std::string stop_signal() const;
    // Ask to stop from inside, as a signal would.
    void request_stop();
    // Return whether SIGHUP arrived since the last call, and forget it.
    bool take_reload();
    // Wake whoever sleeps in wait_until(): something landed in the spool.
    void nudge();
    // Return whether nudge() was called since the last call, and forget it.
    bool take_nudge();
    // Sleep until `deadline`, or until a signal or a nudge arrives.
    void wait_until(Clock::time_point deadline);

private:
    // Run the thread that takes the signals until destruction.
    void take_signals();
    // Set a flag (noting the first stop signal) and wake every waiter.
    void raise_flag(std::atomic<bool>& flag, int signal);

    std::atomic<bool> m_stop{false};
    std::atomic<bool> m_reload{false};
    std::atomic<bool> m_nudged{false};
    std::atomic<bool> m_done{false};
    std::atomic<int> m_stop_signal{0};
    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::thread m_thread;
};

} // namespace pulse_daemon
