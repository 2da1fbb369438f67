#pragma once

#include "model/time.hpp"
#include "pipeline/courier.hpp"
#include "pipeline/health.hpp"
#include "util/exposition.hpp"

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>

namespace pulse_daemon {

// What only the running daemon knows, for /metrics and /healthz: every
// delivery answer (told by the courier), every poll cycle, every pass over
// recorded pushes. Called from the delivery thread, the poll loop and the
// metrics responder, so every member is guarded.
class DaemonMetrics {
public:
    // Start counting; polling counts as making progress from `started` on.
    explicit DaemonMetrics(model::UnixSeconds started);

    // Count one delivery answer: its duration, its status class, the
    // concurrency; a failure (no answer, 5xx, 429, a refused key or URL)
    // starts a run of failures that the next success or rejection ends.
    void observe(const pipeline::DeliverySample& sample, model::UnixSeconds now);
    // Count a finished poll cycle and how long it took.
    void cycle_done(double seconds, model::UnixSeconds now);
    // Count a pass over recorded pushes: taken from the spool, derived, failed.
    void pushes_done(std::size_t taken, std::size_t derived, std::size_t failed);

    // Add the daemon's own metrics to a text.
    void append_to(util::Exposition& text) const;
    // Fill in what the daemon knows of progress: the last poll cycle, when
    // delivery began failing, and the last failed answer.
    void fill(pipeline::HealthFacts& facts) const;

private:
    mutable std::mutex m_mutex;
    util::Histogram m_request_seconds;
    util::Histogram m_cycle_seconds;
    // Answers by status class ("2xx", ..., "none" for no answer).
    std::map<std::string, std::uint64_t> m_answers;
    std::size_t m_concurrency = 0;
    model::UnixSeconds m_last_cycle;
    std::optional<model::UnixSeconds> m_failing_since;
    std::string m_last_failure;
    std::uint64_t m_pushes_taken = 0;
    std::uint64_t m_pushes_derived = 0;
    std::uint64_t m_pushes_failed = 0;
};

// Return the status class an answer is counted under: "2xx" ... "5xx", or
// "none" when no answer came.
std::string status_class(long status);

} // namespace pulse_daemon
