#include "cli/watch_command.hpp"

#include "cli/logging.hpp"
#include "cli/options.hpp"
#include "daemon/daemon.hpp"
#include "outbox/files.hpp"
#include "pipeline/delivery.hpp"
#include "util/file_lock.hpp"

#include <cstdlib>
#include <iostream>
#include <spdlog/spdlog.h>

namespace cli {

namespace {

const char* const k_watch_help = R"(Usage: pulse-agent watch [OPTIONS]

Poll Git repositories (mirrors) every interval and report what appeared since
the last look: commits new on tracked branches become changes, new release
tags (or deploy-branch updates) deployments, exactly as a post-receive hook
would have reported the same pushes. The events and each repository's new ref
snapshot are committed together to the state file (the outbox), and a
background thread delivers the outbox to the Pulse API, with backoff.

The first time a repository is seen its refs are recorded as a baseline and
nothing older is reported (unless watch.backfill_on_first_sight is true).
Repositories come from the config file's `repositories:` list, or from
--repo, each a path or a glob such as '/srv/git/**/*.git', expanded again
every cycle.

Runs in the foreground, for systemd (Type=notify, see docs/daemon.md):
SIGTERM or SIGINT stop it, SIGHUP reloads the config file. Under systemd the
API key can come from LoadCredential=api-key:FILE.

It logs to stderr (under systemd the journal, each line with its priority):
--log-level (log.level) says how much, --log-format json (log.format) writes
one JSON object per line (time, level, message) for a log shipper. With
metrics.listen it serves Prometheus metrics on /metrics and a health check
on /healthz; with metrics.textfile it writes the metrics to that file after
every poll cycle (see docs/daemon.md, Monitoring).

Examples:
  pulse-agent watch --config /etc/pulse-agent/config.yaml
  PULSE_API_KEY=... pulse-agent watch --repo '/srv/git/*.git' --interval 30
  pulse-agent watch --repo /srv/git/shop.git --once
)";

const char* getenv_for_settings(const char* name) {
    return std::getenv(name);
}

// How long a starting daemon waits for its state lock, so that `status`
// probing it at the same moment does not make the start fail.
constexpr auto k_state_lock_patience = std::chrono::milliseconds(1000);

// Take the state file's lock for the daemon's life, so that two daemons never
// poll into one state file; the second is told the first one's pid.
util::FileLock lock_state_file(const std::filesystem::path& state_file) {
    const auto path = outbox::state_lock_path(state_file);
    auto lock = util::FileLock::acquire_recording_pid(path, k_state_lock_patience);
    if (lock) {
        return std::move(*lock);
    }
    const auto& failure = lock.error();
    if (!failure.held) {
        throw model::Failure(failure.message);
    }
    const auto pid = failure.holder ? " (pid " + std::to_string(*failure.holder) + ")" : "";
    throw model::Failure("another pulse-agent watch" + pid + " is already running on state file '" +
                         state_file.string() + "' (lock file '" + path.string() + "')");
}

// Parse the command line; returns nullopt after printing --help.
std::optional<pulse_daemon::WatchOptions> parse_options(const std::vector<std::string>& args) {
    pulse_daemon::WatchOptions options;
    cli::po::options_description description("Options");
    cli::add_common_options(description, options.overrides);
    description.add_options()(
        "repo", cli::po::value(&options.repos)->composing(),
        "a repository path or glob to watch (repeatable); replaces the config's list")(
        "interval", cli::po::value<double>()->notifier([&](double v) { options.interval = v; }),
        "seconds between polls (fractions allowed; default: watch.interval or 60)")(
        "fetch", cli::po::bool_switch(&options.fetch),
        "git fetch each repository before reading it")(
        "once", cli::po::bool_switch(&options.once),
        "poll once, deliver what is due, and exit (1 when a repository failed)")("help,h",
                                                                                 "show this help");
    const auto vm = cli::parse(args, description);
    if (vm.count("help")) {
        std::cout << k_watch_help << "\n" << description << "\n" << cli::k_exit_codes_help;
        return std::nullopt;
    }
    return options;
}

} // namespace

int run_watch(const std::vector<std::string>& args) {
    auto options = parse_options(args);
    if (!options) {
        return cli::k_exit_ok;
    }
    auto plan = model::value_or_throw(pulse_daemon::make_plan(*options, getenv_for_settings));
    if (auto ready = pipeline::outbox_folder_ready(plan.settings); !ready) {
        throw model::Failure(ready.error());
    }
    // Before anything else, so that a second daemon's error reaches the terminal.
    const auto lock = lock_state_file(plan.settings.outbox);
    apply_config_logging(plan.settings.file.log);
    spdlog::info("{}", pulse_daemon::describe_plan(plan));
    if (plan.repositories.empty()) {
        spdlog::warn("no repositories configured (config `repositories:` or --repo): only "
                     "delivering the outbox");
    }
    pulse_daemon::Signals signals;
    pulse_daemon::Daemon daemon(std::move(*options), std::move(plan), signals);
    if (options->once) {
        return daemon.run_once() ? k_exit_ok : k_exit_error;
    }
    daemon.run();
    return k_exit_ok;
}

} // namespace cli
