#include "cli/status_command.hpp"

#include "cli/lag_text.hpp"
#include "cli/options.hpp"
#include "cli/status_check.hpp"
#include "outbox/files.hpp"
#include "outbox/outbox.hpp"
#include "outbox/repo_state.hpp"
#include "pipeline/courier.hpp"
#include "pipeline/delivery.hpp"
#include "util/file_lock.hpp"

#include <iostream>
#include <nlohmann/json.hpp>

namespace cli {

namespace {

const char* const k_status_help =
    R"(Usage: pulse-agent status [OPTIONS] [--json | --check | --metrics | --write-metrics]

Show what `pulse-agent watch` watches and delivered, read from its state file
(the outbox), also while it runs: whether it runs, every repository with its
system, last poll, last change and last error, the events queued, delivered
and parked (see `pulse-agent outbox`), the lag (the oldest queued event's
age, how long delivery has been failing, the events delivered in the last 5
minutes) and the last delivery error. Creates nothing: with no outbox yet it
says so and exits 1.

--check judges it instead, as the daemon's /healthz does, in one line for
Nagios or a cron job, with the exit code 0 OK, 1 WARNING (a repository fails,
events are parked), 2 CRITICAL (delivery has failed, or no repository was
polled, for longer than health.failing_after seconds), 3 UNKNOWN (the outbox
cannot be read). --metrics prints what the outbox shows in the Prometheus
text format; --write-metrics writes that to metrics.textfile atomically, for
node_exporter's textfile collector where no daemon serves /metrics.

Examples:
  pulse-agent status
  pulse-agent status --config /etc/pulse-agent/config.yaml --json
  pulse-agent status --check
  pulse-agent status --write-metrics
)";

// Everything status prints, read once.
struct Report {
    std::filesystem::path state_file;
    std::optional<long> daemon_pid;
    std::vector<outbox::RepoRecord> repositories;
    outbox::Counts counts;
    outbox::Lag lag;
    std::string delivery_problem;
};

Report read_report(const config::Settings& settings) {
    auto box = pipeline::open_outbox_to_read(settings);
    const auto now = model::now();
    return {settings.outbox,
            util::FileLock::holder(outbox::state_lock_path(settings.outbox)),
            box.repositories().list(),
            box.counts(now),
            box.lag(now),
            box.note(pipeline::k_problem_note)};
}

std::string when(model::UnixSeconds time, model::UnixSeconds now) {
    if (time == 0) {
        return "never";
    }
    return model::format_rfc3339(time) + " (" + std::to_string(now - time) + " s ago)";
}

void print_text(const Report& report) {
    const auto now = model::now();
    std::cout << "State file: " << report.state_file.string() << "\n";
    std::cout << "Daemon: "
              << (report.daemon_pid ? "running (pid " + std::to_string(*report.daemon_pid) + ")"
                                    : std::string("not running"))
              << "\n";
    std::size_t watched = 0;
    for (const auto& repo : report.repositories) {
        watched += repo.watched ? 1 : 0;
    }
    std::cout << "Repositories: " << watched << " watched";
    if (watched != report.repositories.size()) {
        std::cout << ", " << report.repositories.size() - watched << " gone";
    }
    std::cout << "\n";
    for (const auto& repo : report.repositories) {
        std::cout << "  " << repo.path << (repo.watched ? "" : " (gone)") << "\n    system '"
                  << repo.system << "', " << repo.refs << " refs, last poll "
                  << when(repo.last_poll, now) << ", last change " << when(repo.last_change, now)
                  << "\n";
        if (!repo.last_error.empty()) {
            std::cout << "    error: " << repo.last_error << "\n";
        }
    }
    const auto& c = report.counts;
    std::cout << "Events: " << c.queued << " queued (" << c.waiting << " waiting for a retry), "
              << c.delivered << " delivered, " << c.parked << " parked\n";
    std::cout << "Lag: " << lag_line(report.lag) << "\n";
    std::cout << "Last delivery error: "
              << (report.delivery_problem.empty() ? "none" : report.delivery_problem) << "\n";
}

void print_json(const Report& report) {
    nlohmann::ordered_json repositories = nlohmann::ordered_json::array();
    for (const auto& repo : report.repositories) {
        repositories.push_back({{"path", repo.path},
                                {"system", repo.system},
                                {"watched", repo.watched},
                                {"refs", repo.refs},
                                {"first_seen", repo.first_seen},
                                {"last_poll", repo.last_poll},
                                {"last_change", repo.last_change},
                                {"last_error", repo.last_error}});
    }
    const auto& c = report.counts;
    nlohmann::ordered_json json = {
        {"state_file", report.state_file.string()},
        {"daemon_pid", report.daemon_pid ? nlohmann::ordered_json(*report.daemon_pid)
                                         : nlohmann::ordered_json(nullptr)},
        {"repositories", repositories},
        {"events",
         {{"queued", c.queued},
          {"waiting", c.waiting},
          {"delivered", c.delivered},
          {"parked", c.parked}}},
        {"lag", lag_json(report.lag)},
        {"last_delivery_error", report.delivery_problem},
    };
    // The last error may quote an answer cut inside a character, a path may
    // be any bytes: each invalid byte is printed as U+FFFD.
    std::cout << json.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << "\n";
}

} // namespace

int run_status(const std::vector<std::string>& args) {
    config::Overrides overrides;
    bool json = false;
    bool check = false;
    bool metrics = false;
    bool write_metrics = false;
    cli::po::options_description description("Options");
    cli::add_common_options(description, overrides);
    description.add_options()("json", cli::po::bool_switch(&json), "print one JSON object")(
        "check", cli::po::bool_switch(&check), "judge health; exit 0 OK, 1, 2, 3 as Nagios")(
        "metrics", cli::po::bool_switch(&metrics), "print the metrics (Prometheus text format)")(
        "write-metrics", cli::po::bool_switch(&write_metrics),
        "write the metrics to metrics.textfile")("help,h", "show this help");
    const auto vm = cli::parse(args, description);
    if (vm.count("help")) {
        std::cout << k_status_help << "\n" << description << "\n" << cli::k_exit_codes_help;
        return cli::k_exit_ok;
    }
    if (json + check + metrics + write_metrics > 1) {
        throw UsageError("--json, --check, --metrics and --write-metrics go one at a time");
    }
    if (check) {
        return check_status(overrides);
    }
    const auto settings = cli::load_settings(overrides, config::KeyUse::skip);
    if (metrics || write_metrics) {
        return status_metrics(settings, write_metrics);
    }
    const auto report = read_report(settings);
    json ? print_json(report) : print_text(report);
    return cli::k_exit_ok;
}

} // namespace cli
