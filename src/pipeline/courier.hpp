#pragma once

#include "model/delivery_policy.hpp"
#include "outbox/outbox.hpp"
#include "sender/concurrency_limit.hpp"
#include "sender/http_client.hpp"
#include "sender/transport.hpp"

#include <atomic>
#include <chrono>
#include <cstdint>
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
    model::DeliveryPolicy delivery;
    // Stop after this many events (0: until nothing is due).
    std::size_t max_events = 0;
    // Days a delivered event keeps its body (retention.delivered_days); the
    // delivery loop prunes what is older now and then.
    long retention_days = 30;
    // Deliver every queued event, as if no backoff were running (`flush`).
    bool ignore_backoff = false;
    // Told of every answer (may be empty).
    DeliveryObserver observe;
    // Whether a round goes on past a failure, waiting out a short pause the
    // server asks for (Retry-After) and leaving a failed event for later;
    // false for an explicit push, which ends at its first failure.
    bool keep_going = true;
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

// Return the request that carries one event's body to the API, with the
// headers every delivery sends; an error when the base URL cannot be used.
model::Expected<sender::Request> event_request(const CourierOptions& options,
                                               const std::string& system,
                                               const std::string& environment, std::string body);

// Judge an answer: its outcome, and the problem to show (no key).
Attempt judge(const CourierOptions& options, const sender::Request& request,
              sender::HttpResponse response);

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
    // Answers that asked to slow down (429, 503 with Retry-After) and whose
    // events were sent again after the pause, in the same round.
    std::size_t throttled = 0;
    // Deployments left queued because a change they list is still queued
    // and was not sent in this round (it failed, or waits out a backoff).
    std::size_t held = 0;
    // Requests abandoned at a stop after the grace time: their events stay
    // queued and are sent again later.
    std::size_t abandoned = 0;
    // How many requests the courier allowed in flight at the end, and the
    // smoothed round trip time of its requests.
    std::size_t concurrency = 0;
    std::chrono::milliseconds round_trip{0};
};

// Notes key under which the last delivery problem is kept for `outbox`/`status`.
inline constexpr const char* k_problem_note = "delivery_problem";

// Notes key under which the last round that delivered keeps its pace for
// `outbox`/`status`: "CONCURRENCY ROUND_TRIP_MS UNIX_TIME".
inline constexpr const char* k_pace_note = "delivery_pace";

// Deliver events from the outbox, many requests in flight at once over
// reused connections, their number adapted to the server
// (sender::ConcurrencyLimit); each answer is recorded as it comes. The one
// order kept: a deployment is sent only once every change it lists that is
// queued has been answered. A pause the server asks for (Retry-After) holds
// every request, not only the one answered so.
class Courier {
public:
    // Deliver over HTTP within the options' network limits.
    Courier(outbox::Outbox& outbox, const CourierOptions& options);
    // Deliver over `transport`, which the courier keeps.
    Courier(outbox::Outbox& outbox, CourierOptions options,
            std::unique_ptr<sender::Transport> transport);
    ~Courier();

    // Deliver until nothing is due, a configuration failure, failures in a
    // row (the API is down), or `stop_flag` becomes true: then no request
    // starts, and those in flight get delivery.stop_grace to end.
    Report deliver(const std::atomic<bool>* stop_flag = nullptr);
    // Deliver these records, due or not, each deployment after its changes
    // (an explicit push's own events); ends at the first failure unless
    // keep_going.
    Report deliver_records(std::span<const outbox::Record> records);

private:
    class Round;
    friend class Round;

    outbox::Outbox& m_outbox;
    CourierOptions m_options;
    std::unique_ptr<sender::Transport> m_transport;
    sender::ConcurrencyLimit m_limit;
    // Until when the server asked every request to wait (Retry-After), or
    // an outage's backoff runs; kept from one round to the next.
    std::chrono::steady_clock::time_point m_paused_until{};
    // Rounds in a row that ended on failures; spaces out the next.
    std::int64_t m_outages = 0;
    bool m_problem_noted;
};

} // namespace pipeline
