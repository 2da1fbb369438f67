#pragma once

#include "daemon/daemon_metrics.hpp"
#include "daemon/delivery_loop.hpp"
#include "daemon/metrics_server.hpp"
#include "daemon/repository_watch.hpp"
#include "daemon/service_notifier.hpp"
#include "daemon/signals.hpp"
#include "daemon/spool_watcher.hpp"
#include "daemon/watch_plan.hpp"
#include "outbox/outbox.hpp"
#include "outbox/repo_state.hpp"

#include <chrono>
#include <map>
#include <optional>
#include <string>

namespace pulse_daemon {

// The polling daemon: every interval it lists the repositories, fetches them
// when asked, and queues what appeared since the last look, while a
// DeliveryLoop sends the outbox.
class Daemon {
public:
    // Open the state file; the caller holds its state lock.
    Daemon(WatchOptions options, WatchPlan plan, Signals& signals);

    // Poll every interval until SIGTERM or SIGINT.
    void run();
    // Poll once and deliver what is due; return whether every poll succeeded.
    bool run_once();

private:
    using Clock = std::chrono::steady_clock;

    // Poll every repository once; returns how many polls failed.
    std::size_t cycle();
    // Derive the pushes post-receive hooks recorded that their own background
    // process has not (killed, or never started); return the events queued.
    std::size_t derive_recorded_pushes();
    // Expand the configured paths and start or stop watching what changed;
    // returns how many paths had problems.
    std::size_t update_watches();
    // Fetch (when asked) and poll one repository; returns its poll mark, or
    // nothing when a stop interrupted the fetch.
    std::optional<outbox::PollMark> poll(RepositoryWatch& watch, std::size_t& queued);
    // Record the cycle's polls; SQLite errors are logged, not fatal.
    void record_polls(const std::vector<outbox::PollMark>& marks);
    // Take what hooks dropped in the spool and derive it, between polls.
    void take_spool();
    // Sleep until the next cycle, pinging the watchdog, reloading on SIGHUP
    // and taking the spool whenever a push lands in it.
    void wait_for_next_cycle(Clock::time_point next);
    // Re-read the config; a broken one is logged and the one in use kept.
    void reload();
    // Log a problem once, and once more when it is gone.
    void note_problem(const std::string& where, const std::string& problem);
    // Return the status line systemd shows: repositories, queue, last error.
    std::string status_line();
    // Stop the delivery thread (abandoning a hanging request) and say goodbye.
    void shut_down();
    // Return the courier options for the settings, telling the metrics of
    // every answer.
    pipeline::CourierOptions observed_courier_options() const;

    WatchOptions m_options;
    WatchPlan m_plan;
    Signals& m_signals;
    outbox::Outbox m_box;
    ServiceNotifier m_notifier;
    // Shared with the courier's observer, which the delivery thread calls.
    std::shared_ptr<DaemonMetrics> m_metrics;
    DeliveryLoop m_delivery;
    MetricsServer m_metrics_server;
    SpoolWatcher m_spool_watcher;
    std::map<std::string, RepositoryWatch> m_watches;
    std::map<std::string, std::string> m_problems;
    std::string m_last_problem;
    bool m_first_cycle = true;
    bool m_settings_changed = false;
    std::int64_t m_queue_depth = 0;
    Clock::time_point m_counted_at;
};

} // namespace pulse_daemon
