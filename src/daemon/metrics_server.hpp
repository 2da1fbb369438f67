#pragma once

#include "config/config.hpp"
#include "daemon/daemon_metrics.hpp"
#include "pipeline/build_info.hpp"
#include "pipeline/health.hpp"
#include "util/http_responder.hpp"

#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

namespace pulse_daemon {

// The daemon's monitoring: the metrics in the Prometheus text format and the
// health judgement, served on metrics.listen (/metrics, /healthz) and
// written to metrics.textfile. What the outbox shows is read afresh, on a
// connection of its own, each time.
class MetricsServer {
public:
    // Report on the outbox at `outbox_path` and on `metrics`.
    MetricsServer(std::filesystem::path outbox_path, std::shared_ptr<const DaemonMetrics> metrics);

    // Take the config's metrics and health keys: start, move or stop the
    // listener as metrics.listen says (none unless `serve`: `watch --once`
    // only writes the textfile); a listener that cannot start is logged.
    void configure(const config::Config& file, bool serve = true);
    // Return the metrics text now.
    std::string render() const;
    // Return the health judgement now: CRITICAL when delivery has failed or
    // polling stalled for longer than health.failing_after.
    pipeline::Health health() const;
    // Write metrics.textfile, when one is configured, atomically; a failure
    // is logged when it starts and when it ends.
    void write_textfile();

private:
    // Answer one request to the listener.
    util::HttpAnswer answer(const util::HttpRequest& request) const;

    std::filesystem::path m_outbox_path;
    std::shared_ptr<const DaemonMetrics> m_metrics;
    pipeline::BuildInfo m_build;
    // Guards the settings below, which a reload changes while the listener's
    // thread reads them.
    mutable std::mutex m_mutex;
    std::optional<std::string> m_listen;
    std::optional<std::string> m_textfile;
    long m_failing_after = 900;
    std::string m_textfile_problem;
    std::unique_ptr<util::HttpResponder> m_responder;
};

} // namespace pulse_daemon
