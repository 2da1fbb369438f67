#include "pipeline/courier.hpp"

#include "model/version.hpp"
#include "sender/http_client.hpp"

#include <algorithm>

namespace pipeline {

namespace {

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

model::Expected<sender::Request> event_request(const CourierOptions& options,
                                               const std::string& system,
                                               const std::string& environment, std::string body) {
    auto url = sender::ingestion_url(options.base_url, options.api_key, system);
    if (!url) {
        return std::unexpected(url.error());
    }
    sender::Request request;
    request.url = std::move(*url);
    request.body = std::move(body);
    request.secret = options.api_key;
    request.headers = {
        "Content-Type: application/json",
        "Environment: " + environment,
        // pulse-agent's own version: the Go CLI sends its own here, and a
        // server that reads it as a Go CLI version sees a release it never had.
        std::string("CLI-Version: ") + model::k_version,
        std::string("User-Agent: pulse-agent/") + model::k_version,
    };
    return request;
}

Attempt judge(const CourierOptions& options, const sender::Request& request,
              sender::HttpResponse response) {
    Attempt attempt;
    attempt.response = std::move(response);
    attempt.outcome = classify(attempt.response.status);
    attempt.problem = sender::redact(describe(attempt.response, request.url), options.api_key);
    if (attempt.outcome == Outcome::configuration) {
        attempt.problem += configuration_hint(attempt.response.status);
    }
    return attempt;
}

Attempt send_once(sender::Transport& transport, const CourierOptions& options,
                  const std::string& system, const std::string& environment,
                  const std::string& body, const std::atomic<bool>* stop_flag) {
    auto request = event_request(options, system, environment, body);
    if (!request) {
        Attempt attempt;
        attempt.outcome = Outcome::configuration;
        attempt.problem = request.error().message;
        return attempt;
    }
    auto response = sender::post(transport, *request, stop_flag);
    return judge(options, *request, std::move(response));
}

Courier::Courier(outbox::Outbox& outbox, const CourierOptions& options)
    : Courier(outbox, options,
              std::make_unique<sender::HttpClient>(
                  options.limits, static_cast<std::size_t>(options.delivery.concurrency))) {}

Courier::Courier(outbox::Outbox& outbox, CourierOptions options,
                 std::unique_ptr<sender::Transport> transport)
    : m_outbox(outbox), m_options(std::move(options)), m_transport(std::move(transport)),
      m_limit(static_cast<std::size_t>(std::max<long>(1, m_options.delivery.concurrency))),
      m_problem_noted(!m_outbox.note(k_problem_note).empty()) {}

Courier::~Courier() = default;

} // namespace pipeline
