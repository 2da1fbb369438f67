#pragma once

#include "config/settings.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace pulse_daemon {

// What `pulse-agent watch` was told on its command line.
struct WatchOptions {
    config::Overrides overrides;
    // --repo: paths or globs that replace the config file's repositories.
    std::vector<std::string> repos;
    // --interval, in seconds (fractions allowed).
    std::optional<double> interval;
    // --fetch: fetch every mirror before reading it.
    bool fetch = false;
    // --once: poll once, deliver what is due, and exit.
    bool once = false;
};

// Everything the daemon does, resolved from the command line, the
// environment and the config file; re-made on SIGHUP.
struct WatchPlan {
    config::Settings settings;
    // The repository paths or globs, each with its settings.
    std::vector<config::Repository> repositories;
    std::chrono::milliseconds interval{60'000};
    bool fetch = false;
    std::chrono::seconds fetch_timeout{300};
};

// Resolve the plan; fails on a broken config file or a bad interval.
model::Expected<WatchPlan> make_plan(const WatchOptions& options, const config::Getenv& getenv);

// Return the key file systemd hands us with LoadCredential=api-key:..., if any.
std::optional<std::string> credential_key_file(const config::Getenv& getenv);

// Return the one line the daemon logs at start-up and after a reload.
std::string describe_plan(const WatchPlan& plan);

} // namespace pulse_daemon
