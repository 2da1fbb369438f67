#pragma once

#include "model/delivery_policy.hpp"
#include "outbox/outbox.hpp"
#include "sender/http_client.hpp"
#include "sender/transport.hpp"

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>

namespace pipeline {

// One answered request, for whoever watches delivery (the daemon's metrics).
struct DeliverySample {
    // The HTTP status, 0 when no answer came (network, TLS, timeout).
    long status = 0;
    // From the request's start to its answer.
    double seconds = 0;
    // How many requests the courier allowed in flight when it ended.
    std::size_t concurrency = 1;
};

// Called on the courier's thread after each answer is recorded in the outbox.
using DeliveryObserver = std::function<void(const DeliverySample&)>;

// Where and how to deliver.
struct CourierOptions {
    std::string base_url;
    std::string api_key;
    model::NetworkLimits limits;
    model::RetryPolicy retry;
    // Stop after this many events (0: until nothing is due).
    std::size_t max_events = 0;
    // Days a delivered event keeps its body (retention.delivered_days); the
    // delivery loop prunes what is older now and then.
    long retention_days = 30;
    // Deliver every queued event, as if no backoff were running (`flush`).
    bool ignore_backoff = false;
    // Told of every answer (may be empty).
    DeliveryObserver observe;
};

// How the API answered one request.
enum class Outcome { delivered, retry, configuration, rejected };

// One request and its answer.
struct Attempt {
    Outcome outcome = Outcome::retry;
    sender::HttpResponse response;
    // What went wrong, safe to show (no key); with a hint for `configuration`.
    std::string problem;
};

// Post one event's body once, with the headers every delivery sends.
Attempt send_once(sender::Transport& transport, const CourierOptions& options,
                  const std::string& system, const std::string& environment,
                  const std::string& body, const std::atomic<bool>* stop_flag = nullptr);

// Why a delivery round ended.
enum class Stop {
    // Nothing left that is due.
    drained,
    // The API failed in a way worth retrying later (5xx, 429, network).
    retry_later,
    // The API refused the key or the URL (401, 403, 404, 3xx).
    configuration,
    // Asked to stop (signal) or reached max_events.
    interrupted,
};

// What one delivery round did.
struct Report {
    std::size_t delivered = 0;
    std::size_t rejected = 0;
    std::size_t retried = 0;
    Stop stop = Stop::drained;
    // Whether the round ended on a failure that reached no API (connection,
    // TLS, timeout), whose problem holds curl's words, rather than an answer.
    bool unreachable = false;
    // The last failure, safe to show (no key).
    std::string problem;
};

// Notes key under which the last delivery problem is kept for `outbox`/`status`.
inline constexpr const char* k_problem_note = "delivery_problem";

// Deliver due events from the outbox in order, one request each over one
// transport (one reused connection), recording each answer as it comes.
class Courier {
public:
    // Deliver over HTTP within the options' network limits.
    Courier(outbox::Outbox& outbox, const CourierOptions& options);
    // Deliver over `transport`, which the courier keeps.
    Courier(outbox::Outbox& outbox, CourierOptions options,
            std::unique_ptr<sender::Transport> transport);

    // Deliver until nothing is due, a retryable or configuration failure, or
    // `stop_flag` becomes true.
    Report deliver(const std::atomic<bool>* stop_flag = nullptr);
    // Deliver these records in their order, due or not, until a retryable or
    // configuration failure (an explicit push's own events).
    Report deliver_records(std::span<const outbox::Record> records);

private:
    // Send one record and record the outcome; returns how the round goes on.
    std::optional<Stop> deliver_one(const outbox::Record& record, Report& report,
                                    const std::atomic<bool>* stop_flag);
    // Record a failure worth retrying: schedule the next try, or park the
    // event when the API has answered it with failures for retry.max_age.
    std::optional<Stop> retry_or_park(const outbox::Record& record,
                                      const sender::HttpResponse& response,
                                      const std::string& problem, Report& report);
    // Keep the round's last problem ("" after a success) in the report and the
    // outbox's note; an empty note is not written again, as each write syncs.
    void note_problem(Report& report, std::string problem);

    outbox::Outbox& m_outbox;
    CourierOptions m_options;
    std::unique_ptr<sender::Transport> m_transport;
    bool m_problem_noted;
};

} // namespace pipeline
