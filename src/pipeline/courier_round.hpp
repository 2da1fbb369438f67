#pragma once

#include "pipeline/courier.hpp"
#include "pipeline/event_source.hpp"

#include <chrono>
#include <deque>
#include <unordered_map>
#include <vector>

// Courier's private Round, apart so that courier_round.cpp stays short;
// included by courier_round.cpp alone.
namespace pipeline {

// One delivery round: what is in flight, what waits, and how it ends.
class Courier::Round {
public:
    // Prepare a round of `courier` over `source`, stopping when `stop` (when
    // not null) turns true.
    Round(Courier& courier, EventSource& source, const std::atomic<bool>* stop)
        : m_courier(courier), m_options(courier.m_options), m_source(source), m_stop(stop) {}

    // Run the round to its end and return what it did.
    Report run(bool honour_pause);

private:
    // A deployment waiting for answers to changes it lists.
    struct Held {
        outbox::Record record;
        std::vector<std::string> waiting_on;
    };

    // Start requests while the limit, the pause and the events allow.
    void fill();
    // Return the next event to send: a deployment whose changes were
    // answered, one sent again after a pause, or the source's next.
    std::optional<outbox::Record> next_event();
    // Return whether a deployment may go now; otherwise hold it until the
    // changes in flight it lists are answered, or leave it for later.
    bool may_send(const outbox::Record& record);
    // Start one request.
    void start(outbox::Record record);
    // Record one answer.
    void take(sender::Answer answer);
    // Keep an event the server asked to wait for (429 or 503 with a short
    // Retry-After), to send it again once the pause every request keeps is
    // over; false when the answer is a failure to retry later instead.
    bool throttle(outbox::Record& record, const Attempt& attempt,
                  std::chrono::steady_clock::time_point now);
    // With nothing in flight, find more to do (wait out a pause, look again
    // at held deployments); false when the round is over.
    bool look_again();
    // Record what the round leaves behind, and return its report.
    Report finish();
    // Record a failure worth retrying later: schedule it, or park it.
    void retry_or_park(const outbox::Record& record, const sender::HttpResponse& response,
                       const std::string& problem);
    // Say an event's change is no longer in flight, and free the
    // deployments that waited only for it.
    void settle(const outbox::Record& record);
    // Wait out the pause the server asked for; false when the round should
    // end instead (too long a pause, asked to stop, or not keep_going).
    bool wait_out_pause();
    // Keep the round's last problem ("" after a success) in the report and
    // the outbox's note; an empty note is not written again, as each write syncs.
    void note_problem(std::string problem);
    // End the round (the first reason wins).
    void end(Stop why);
    // Return whether the pause the server asked for still runs.
    bool paused() const { return std::chrono::steady_clock::now() < m_courier.m_paused_until; }

    Courier& m_courier;
    const CourierOptions& m_options;
    EventSource& m_source;
    const std::atomic<bool>* m_stop;
    Report m_report;
    std::optional<Stop> m_ending;
    std::chrono::steady_clock::time_point m_grace_end{};
    std::uint64_t m_next_tag = 1;
    std::unordered_map<std::uint64_t, outbox::Record> m_in_flight;
    std::unordered_map<std::uint64_t, sender::Request> m_requests;
    // Changes in flight or to be sent again after a pause, by change_key.
    std::unordered_map<std::string, std::size_t> m_pending_changes;
    std::deque<outbox::Record> m_throttled;
    std::vector<Held> m_held;
    std::deque<outbox::Record> m_ready;
    // Deployments left for a later look, and whether a change was answered
    // since they were left.
    std::vector<outbox::Record> m_skipped;
    bool m_progress = false;
    std::size_t m_failures_in_row = 0;
    bool m_source_done = false;
};

} // namespace pipeline
