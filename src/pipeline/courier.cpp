#include "pipeline/courier.hpp"

#include "model/version.hpp"
#include "sender/backoff.hpp"
#include "sender/http_client.hpp"

#include <chrono>
#include <limits>

namespace pipeline {

namespace {

// A time after every next attempt: due() at it returns every queued event.
constexpr model::UnixSeconds k_every_attempt = std::numeric_limits<model::UnixSeconds>::max();

Outcome classify(long status) {
    if (status >= 200 && status < 300) {
        return Outcome::delivered;
    }
    if (status == 0 || status == 408 || status == 429 || status >= 500) {
        return Outcome::retry;
    }
    if (status == 401 || status == 403 || status == 404 || (status >= 300 && status < 400)) {
        return Outcome::configuration;
    }
    return Outcome::rejected;
}

std::string describe(const sender::HttpResponse& response, const std::string& url) {
    if (response.status == 0) {
        return "POST " + sender::display_url(url) + ": " + response.error;
    }
    std::string text =
        "POST " + sender::display_url(url) + ": HTTP " + std::to_string(response.status);
    if (!response.body.empty()) {
        text += ": " + response.body.substr(0, 300);
    }
    return text;
}

std::string configuration_hint(long status) {
    if (status == 401 || status == 403) {
        return " (check the API key)";
    }
    return " (check the base URL)";
}

} // namespace

Attempt send_once(sender::Transport& transport, const CourierOptions& options,
                  const std::string& system, const std::string& environment,
                  const std::string& body, const std::atomic<bool>* stop_flag) {
    Attempt attempt;
    auto url = sender::ingestion_url(options.base_url, options.api_key, system);
    if (!url) {
        attempt.outcome = Outcome::configuration;
        attempt.problem = url.error().message;
        return attempt;
    }
    const std::vector<std::string> headers = {
        "Content-Type: application/json",
        "Environment: " + environment,
        // pulse-agent's own version: the Go CLI sends its own here, and a
        // server that reads it as a Go CLI version sees a release it never had.
        std::string("CLI-Version: ") + model::k_version,
        std::string("User-Agent: pulse-agent/") + model::k_version,
    };
    attempt.response = transport.post(*url, body, headers, options.api_key, stop_flag);
    attempt.outcome = classify(attempt.response.status);
    attempt.problem = sender::redact(describe(attempt.response, *url), options.api_key);
    if (attempt.outcome == Outcome::configuration) {
        attempt.problem += configuration_hint(attempt.response.status);
    }
    return attempt;
}

Courier::Courier(outbox::Outbox& outbox, const CourierOptions& options)
    : Courier(outbox, options, std::make_unique<sender::HttpClient>(options.limits)) {}

Courier::Courier(outbox::Outbox& outbox, CourierOptions options,
                 std::unique_ptr<sender::Transport> transport)
    : m_outbox(outbox), m_options(std::move(options)), m_transport(std::move(transport)),
      m_problem_noted(!m_outbox.note(k_problem_note).empty()) {}

Report Courier::deliver(const std::atomic<bool>* stop_flag) {
    Report report;
    constexpr std::size_t k_batch = 256;
    for (;;) {
        const auto batch =
            m_outbox.due(m_options.ignore_backoff ? k_every_attempt : model::now(), k_batch);
        if (batch.empty()) {
            report.stop = Stop::drained;
            return report;
        }
        for (const auto& record : batch) {
            if ((stop_flag && stop_flag->load()) ||
                (m_options.max_events &&
                 report.delivered + report.rejected >= m_options.max_events)) {
                report.stop = Stop::interrupted;
                return report;
            }
            if (auto stop = deliver_one(record, report, stop_flag)) {
                report.stop = *stop;
                return report;
            }
        }
    }
}

Report Courier::deliver_records(std::span<const outbox::Record> records) {
    Report report;
    for (const auto& record : records) {
        if (auto stop = deliver_one(record, report, nullptr)) {
            report.stop = *stop;
            return report;
        }
    }
    report.stop = Stop::drained;
    return report;
}

std::optional<Stop> Courier::deliver_one(const outbox::Record& record, Report& report,
                                         const std::atomic<bool>* stop_flag) {
    const auto started = std::chrono::steady_clock::now();
    const auto attempt = send_once(*m_transport, m_options, record.system, record.environment,
                                   record.body, stop_flag);
    if (attempt.response.interrupted) {
        // Abandoned, not failed: the event stays due, with no attempt counted.
        return Stop::interrupted;
    }
    if (m_options.observe) {
        const std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
        m_options.observe({attempt.response.status, took.count(), 1});
    }
    const auto& response = attempt.response;
    switch (attempt.outcome) {
    case Outcome::delivered:
        m_outbox.mark_delivered(record.seq, response.status, model::now());
        ++report.delivered;
        note_problem(report, "");
        return std::nullopt;
    case Outcome::rejected:
        // Redacted here too: whatever the transport, the key never reaches the outbox.
        m_outbox.mark_parked(record.seq, response.status, attempt.problem,
                             sender::redact(response.body, m_options.api_key));
        ++report.rejected;
        return std::nullopt;
    case Outcome::configuration:
        note_problem(report, attempt.problem);
        return Stop::configuration;
    case Outcome::retry:
        break;
    }
    return retry_or_park(record, response, attempt.problem, report);
}

std::optional<Stop> Courier::retry_or_park(const outbox::Record& record,
                                           const sender::HttpResponse& response,
                                           const std::string& problem, Report& report) {
    const auto now = model::now();
    // Only an event the API keeps answering with failures is poison; one that
    // reaches no API at all waits for the network however long that takes.
    if (response.status != 0 && record.failing_since &&
        now - *record.failing_since >= m_options.retry.max_age) {
        m_outbox.mark_parked(record.seq, response.status,
                             problem + "; parked after failing since " +
                                 model::format_rfc3339(*record.failing_since) + " (retry.max_age)",
                             sender::redact(response.body, m_options.api_key));
        ++report.rejected;
        return std::nullopt;
    }
    std::optional<long> retry_after;
    if (response.retry_after) {
        retry_after = sender::parse_retry_after(*response.retry_after, model::now());
    }
    const long delay = sender::retry_delay(m_options.retry, record.attempts + 1, retry_after,
                                           sender::unit_random());
    const std::optional<long> status =
        response.status ? std::optional<long>(response.status) : std::nullopt;
    m_outbox.mark_retry(record.seq, status, problem, now + delay);
    ++report.retried;
    report.unreachable = !status;
    note_problem(report, problem + "; retrying in " + std::to_string(delay) + "s");
    return Stop::retry_later;
}

void Courier::note_problem(Report& report, std::string problem) {
    if (!problem.empty() || m_problem_noted) {
        m_outbox.set_note(k_problem_note, problem);
        m_problem_noted = !problem.empty();
    }
    report.problem = std::move(problem);
}

} // namespace pipeline
