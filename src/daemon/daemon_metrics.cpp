#include "daemon/daemon_metrics.hpp"

namespace pulse_daemon {

namespace {

// Buckets of a request's duration: a LAN answer to a total timeout.
const std::vector<double> k_request_bounds = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                              0.5,   1,    2.5,   5,    10,  30};
// Buckets of a poll cycle: a quiet cycle's stat calls to fetching many mirrors.
const std::vector<double> k_cycle_bounds = {0.001, 0.005, 0.01, 0.05, 0.1, 0.5,
                                            1,     5,     10,   30,   60,  300};

// Whether an answer says the API is not taking events now (a rejection of
// one event, 4xx, is the API working).
bool is_failure(long status) {
    return status == 0 || status >= 500 || status == 429 || (status >= 300 && status < 400) ||
           status == 401 || status == 403 || status == 404;
}

std::string failure_text(long status) {
    return status == 0 ? "no answer (network, TLS or timeout)"
                       : "the API answered HTTP " + std::to_string(status);
}

} // namespace

std::string status_class(long status) {
    if (status < 100 || status > 599) {
        return "none";
    }
    return std::to_string(status / 100) + "xx";
}

DaemonMetrics::DaemonMetrics(model::UnixSeconds started)
    : m_request_seconds(k_request_bounds), m_cycle_seconds(k_cycle_bounds), m_last_cycle(started) {}

void DaemonMetrics::observe(const pipeline::DeliverySample& sample, model::UnixSeconds now) {
    const std::lock_guard lock(m_mutex);
    m_request_seconds.observe(sample.seconds);
    ++m_answers[status_class(sample.status)];
    m_concurrency = sample.concurrency;
    if (!is_failure(sample.status)) {
        m_failing_since.reset();
        m_last_failure.clear();
        return;
    }
    if (!m_failing_since) {
        m_failing_since = now;
    }
    m_last_failure = failure_text(sample.status);
}

void DaemonMetrics::cycle_done(double seconds, model::UnixSeconds now) {
    const std::lock_guard lock(m_mutex);
    m_cycle_seconds.observe(seconds);
    m_last_cycle = now;
}

void DaemonMetrics::pushes_done(std::size_t taken, std::size_t derived, std::size_t failed) {
    const std::lock_guard lock(m_mutex);
    m_pushes_taken += taken;
    m_pushes_derived += derived;
    m_pushes_failed += failed;
}

void DaemonMetrics::append_to(util::Exposition& text) const {
    const std::lock_guard lock(m_mutex);
    text.family("pulse_agent_delivery_request_duration_seconds", "histogram",
                "Time from a delivery request's start to its answer (or failure).");
    text.histogram("pulse_agent_delivery_request_duration_seconds", {}, m_request_seconds);
    text.family("pulse_agent_delivery_answers_total", "counter",
                "Delivery answers by HTTP status class; class=\"none\": no answer came.");
    for (const auto& name : {"2xx", "3xx", "4xx", "5xx", "none"}) {
        const auto found = m_answers.find(name);
        text.sample("pulse_agent_delivery_answers_total", {{"class", name}},
                    static_cast<double>(found == m_answers.end() ? 0 : found->second));
    }
    text.family("pulse_agent_delivery_concurrency", "gauge",
                "Delivery requests the courier allowed in flight at its last answer.");
    text.sample("pulse_agent_delivery_concurrency", {}, static_cast<double>(m_concurrency));
    text.family("pulse_agent_poll_cycle_duration_seconds", "histogram",
                "Time one poll cycle over every watched repository took.");
    text.histogram("pulse_agent_poll_cycle_duration_seconds", {}, m_cycle_seconds);
    const std::pair<const char*, std::uint64_t> pushes[] = {
        {"pulse_agent_pushes_recorded_total", m_pushes_taken},
        {"pulse_agent_pushes_derived_total", m_pushes_derived},
        {"pulse_agent_pushes_failed_total", m_pushes_failed}};
    const char* helps[] = {"Pushes the daemon took from the spool (recorded by hooks).",
                           "Recorded pushes the daemon derived into events.",
                           "Attempts to derive a recorded push that failed (retried later)."};
    for (std::size_t i = 0; i < 3; ++i) {
        text.family(pushes[i].first, "counter", helps[i]);
        text.sample(pushes[i].first, {}, static_cast<double>(pushes[i].second));
    }
}

void DaemonMetrics::fill(pipeline::HealthFacts& facts) const {
    const std::lock_guard lock(m_mutex);
    facts.last_poll = m_last_cycle;
    facts.failing_since = m_failing_since;
    facts.delivery_problem = m_last_failure;
}

} // namespace pulse_daemon
