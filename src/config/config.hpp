#pragma once

#include "model/delivery_policy.hpp"
#include "model/error.hpp"

#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace config {

// Settings of one watched or backfilled repository; unset fields fall back to
// the repository's git config (pulse.*) and then to the defaults.
struct Repository {
    std::string path;
    std::optional<std::string> system;
    std::optional<std::string> strategy;
    std::optional<std::string> tag_pattern;
    std::optional<std::string> deploy_branch;
    std::optional<std::vector<std::string>> branches;
    // Incident sources derived from Git: reverts, rollbacks (an empty list: none).
    std::optional<std::vector<std::string>> incidents;
};

// Behaviour of the git hooks.
struct Hook {
    bool quiet = false;
    // "background": start a detached process that takes the push from the
    // spool, derives and delivers it; "none": the same without delivering;
    // "service": start nothing, the service (`watch`) picks the push up.
    std::string deliver = "background";
};

// Behaviour of `pulse-agent watch`.
struct Watch {
    long interval = 60;
    bool fetch = false;
    long fetch_timeout = 300;
    bool backfill_on_first_sight = false;
};

// How long the outbox keeps what it no longer needs.
struct Retention {
    // Days after which a delivered event keeps only its key (and a change's
    // time), and a parked recorded push is removed.
    long delivered_days = 30;
};

// The words log.level and --log-level take.
inline const std::set<std::string> k_log_levels = {"trace", "debug",    "info", "warning",
                                                   "error", "critical", "off"};

// How pulse-agent logs (--log-level and --log-format win).
struct Log {
    // trace, debug, info, warning, error, critical or off (default info).
    std::optional<std::string> level;
    // text, or json: one JSON object per line.
    std::optional<std::string> format;
};

// What the daemon tells monitoring, in the Prometheus text format.
struct Metrics {
    // HOST:PORT where the daemon serves /metrics and /healthz (unset: none).
    std::optional<std::string> listen;
    // A file for node_exporter's textfile collector, replaced atomically
    // after every poll cycle, and by `pulse-agent status --textfile`.
    std::optional<std::string> textfile;
};

// When pulse-agent calls itself unhealthy.
struct Health {
    // Seconds delivery may keep failing, or polling stall, before /healthz
    // answers 503 and `status --check` says CRITICAL.
    long failing_after = 900;
};

// The config file's contents, every key optional.
struct Config {
    std::string file;
    std::optional<std::string> api_key;
    std::optional<std::string> api_key_file;
    std::optional<std::string> base_url;
    std::optional<std::string> outbox;
    std::optional<std::string> system;
    // The folder hooks drop recorded pushes into (default: `spool` beside the outbox).
    std::optional<std::string> spool;
    // Users whose repositories are read although another user owns them.
    std::vector<std::string> trusted_owners;
    model::NetworkLimits timeouts;
    model::RetryPolicy retry;
    model::DeliveryPolicy delivery;
    Hook hook;
    Watch watch;
    Retention retention;
    Log log;
    Metrics metrics;
    Health health;
    std::vector<Repository> repositories;
};

// One thing wrong with a config file, located.
struct Problem {
    // The top-level key it belongs to ("watch"); empty for the file as a whole.
    std::string section;
    // Where and what: "f.yaml:3:5: unknown key 'intervall' in watch".
    std::string message;
    // What a command that carries on does instead: "using the default".
    std::string fallback = "using the default";
    // A doubt rather than an error: `config check` still passes.
    bool warning = false;
    int line = 0;
    int column = 0;
};

// A config file's contents and everything wrong with it.
struct ParsedConfig {
    // The contents; a key with a problem holds its fallback.
    Config config;
    // Every problem, in the order of the file.
    std::vector<Problem> problems;
};

// Parse config text, collecting every problem rather than stopping at the first.
ParsedConfig read_config(std::string_view text, const std::string& file_name);

// Read and parse a config file, collecting every problem; fails only when
// the file cannot be read.
model::Expected<ParsedConfig> read_config_file(const std::filesystem::path& path);

// Parse config text; errors name the file, line and column ("f.yaml:3:5: ...").
model::Expected<Config> parse_config(std::string_view text, const std::string& file_name);

// Read and parse a config file; its first problem is the error.
model::Expected<Config> load_config(const std::filesystem::path& path);

} // namespace config
