#pragma once

#include "pipeline/courier.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace pulse_daemon {

// Return a delivery problem without what changes from one attempt to the next
// (the "retrying in Ns" tail, curl's elapsed time), so one outage logs once.
std::string problem_kind(const std::string& problem);

// Delivers the outbox on a thread of its own, with its own connection to the
// state file, so that a slow or absent API never holds up polling. Each round
// takes the outbox's delivery lock, so a hook's delivery and ours never send
// one event at the same time.
class DeliveryLoop {
public:
    // Prepare to deliver the outbox at `outbox_path` until `stop` turns true.
    DeliveryLoop(std::filesystem::path outbox_path, pipeline::CourierOptions options,
                 const std::atomic<bool>& stop);
    ~DeliveryLoop();
    DeliveryLoop(const DeliveryLoop&) = delete;
    DeliveryLoop& operator=(const DeliveryLoop&) = delete;

    // Start delivering in the background.
    void start();
    // Say new events were queued: deliver them now rather than at the next tick.
    void wake();
    // Use new courier options (a reloaded config) from the next round on.
    void reconfigure(pipeline::CourierOptions options);
    // Return the last delivery problem, "" when the last round went well.
    std::string problem() const;
    // Stop the thread, waiting at most `patience` for a request in flight;
    // false when it had to be abandoned: the thread is left behind, and the
    // caller must end the process without destroying this object.
    bool stop(std::chrono::milliseconds patience);
    // Deliver what is due on the calling thread, until drained or a failure,
    // waiting up to `lock_wait` for another process's delivery to end.
    void deliver_due(std::chrono::milliseconds lock_wait);

private:
    using Clock = std::chrono::steady_clock;

    // The thread's own connection and the courier built for the current options.
    struct Session {
        outbox::Outbox box;
        std::unique_ptr<pipeline::Courier> courier;
        std::size_t generation = 0;
    };

    // Run the thread: open its connection, then deliver round after round.
    void run();
    // Deliver one round under the delivery lock; returns how long to wait
    // before the next one.
    Clock::duration round(Session& session, std::chrono::milliseconds lock_wait);
    // Log what a round delivered or parked.
    void log_round(const pipeline::Report& report);
    // Remember the delivery problem: a warning when an outage starts, an info
    // line when its wording changes or it clears.
    void set_problem(const std::string& problem);

    std::filesystem::path m_outbox_path;
    const std::atomic<bool>& m_stop;
    mutable std::mutex m_mutex;
    std::condition_variable m_wake;
    pipeline::CourierOptions m_options;
    std::size_t m_generation = 1;
    bool m_woken = false;
    bool m_stopping = false;
    bool m_finished = false;
    std::string m_problem;
    std::thread m_thread;
};

} // namespace pulse_daemon
