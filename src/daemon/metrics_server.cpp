#include "daemon/metrics_server.hpp"

#include "pipeline/outbox_metrics.hpp"
#include "util/atomic_file.hpp"

#include <numeric>
#include <spdlog/spdlog.h>

namespace pulse_daemon {

namespace {

const char* const k_index = "pulse-agent: /metrics (Prometheus text format), /healthz\n";

outbox::Outbox open_to_read(const std::filesystem::path& path) {
    return model::value_or_throw(outbox::Outbox::open_read_only(path));
}

std::int64_t parked_events(const outbox::Census& census) {
    return std::accumulate(census.events.begin(), census.events.end(), std::int64_t{0},
                           [](std::int64_t sum, const outbox::EventCount& row) {
                               return sum + (row.state == "parked" ? row.count : 0);
                           });
}

} // namespace

MetricsServer::MetricsServer(std::filesystem::path outbox_path,
                             std::shared_ptr<const DaemonMetrics> metrics)
    : m_outbox_path(std::move(outbox_path)), m_metrics(std::move(metrics)),
      m_build(pipeline::build_info()) {}

void MetricsServer::configure(const config::Config& file, bool serve) {
    const auto listen = serve ? file.metrics.listen : std::nullopt;
    std::unique_ptr<util::HttpResponder> replaced;
    {
        const std::lock_guard lock(m_mutex);
        m_textfile = file.metrics.textfile;
        m_failing_after = file.health.failing_after;
        if (listen == m_listen && (m_responder || !m_listen)) {
            return;
        }
        m_listen = listen;
        replaced = std::move(m_responder);
    }
    // The old listener stops outside the lock: its thread may be answering.
    replaced.reset();
    if (!listen) {
        return;
    }
    const auto address = util::parse_listen_address(*listen);
    auto started = address ? util::HttpResponder::start(
                                 *address, [this](const auto& request) { return answer(request); })
                           : util::Expected<std::unique_ptr<util::HttpResponder>>(
                                 std::unexpected(address.error()));
    if (!started) {
        spdlog::error("metrics: {}", started.error());
        return;
    }
    spdlog::info("metrics: serving /metrics and /healthz on {}:{}",
                 address->host.find(':') == std::string::npos ? address->host
                                                              : "[" + address->host + "]",
                 (*started)->port());
    const std::lock_guard lock(m_mutex);
    m_responder = std::move(*started);
}

std::string MetricsServer::render() const {
    util::Exposition text;
    pipeline::append_build_info(text, m_build);
    auto box = open_to_read(m_outbox_path);
    pipeline::append_outbox_metrics(text, box, model::now());
    m_metrics->append_to(text);
    return text.text();
}

pipeline::Health MetricsServer::health() const {
    pipeline::HealthFacts facts;
    facts.now = model::now();
    {
        const std::lock_guard lock(m_mutex);
        facts.failing_after = m_failing_after;
    }
    auto box = open_to_read(m_outbox_path);
    const auto census = box.census();
    const auto lag = box.lag(facts.now);
    facts.repositories_failing = census.repositories_failing;
    facts.parked = parked_events(census);
    facts.queued = lag.queued;
    facts.oldest_age = lag.oldest_age();
    m_metrics->fill(facts);
    return pipeline::judge_health(facts);
}

void MetricsServer::write_textfile() {
    std::optional<std::string> path;
    {
        const std::lock_guard lock(m_mutex);
        path = m_textfile;
    }
    if (!path) {
        return;
    }
    std::string problem;
    try {
        if (auto written = util::replace_file(*path, render()); !written) {
            problem = written.error();
        }
    } catch (const std::exception& e) {
        problem = e.what();
    }
    if (problem != m_textfile_problem) {
        problem.empty() ? spdlog::info("metrics: writing '{}' works again", *path)
                        : spdlog::error("metrics: {}", problem);
        m_textfile_problem = problem;
    }
}

util::HttpAnswer MetricsServer::answer(const util::HttpRequest& request) const {
    if (request.path == "/metrics") {
        return {200, util::k_exposition_type, render()};
    }
    if (request.path == "/healthz") {
        const auto judged = health();
        return {judged.level == pipeline::HealthLevel::critical ? 503 : 200,
                "text/plain; charset=utf-8",
                std::string(pipeline::level_name(judged.level)) + ": " + judged.reason + "\n"};
    }
    if (request.path == "/") {
        return {200, "text/plain; charset=utf-8", k_index};
    }
    return {404, "text/plain; charset=utf-8", "not found: try /metrics or /healthz\n"};
}

} // namespace pulse_daemon
