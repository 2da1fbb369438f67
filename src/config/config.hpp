#pragma once

#include "model/delivery_policy.hpp"
#include "model/error.hpp"

#include <filesystem>
#include <optional>
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
};

// Behaviour of the git hooks.
struct Hook {
    bool quiet = false;
    // "background": start a detached delivery after queueing; "none": leave it to the daemon.
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

// The config file's contents, every key optional.
struct Config {
    std::string file;
    std::optional<std::string> api_key;
    std::optional<std::string> api_key_file;
    std::optional<std::string> base_url;
    std::optional<std::string> outbox;
    std::optional<std::string> system;
    model::NetworkLimits timeouts;
    model::RetryPolicy retry;
    Hook hook;
    Watch watch;
    Retention retention;
    std::vector<Repository> repositories;
};

// Parse config text; errors name the file, line and column ("f.yaml:3:5: ...").
model::Expected<Config> parse_config(std::string_view text, const std::string& file_name);

// Read and parse a config file.
model::Expected<Config> load_config(const std::filesystem::path& path);

} // namespace config
