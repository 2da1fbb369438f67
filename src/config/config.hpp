#pragma once

#include "model/error.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace config {

// Network limits of the sender, in seconds.
struct Timeouts {
    long connect = 10;
    long total = 30;
    // Abort a transfer that moves less than one byte per second for this long.
    long low_speed = 15;
};

// How the outbox spaces out retries, in seconds.
struct Retry {
    long initial_backoff = 5;
    long max_backoff = 3600;
    // Longest Retry-After the server may ask for before we cap it.
    long max_retry_after = 3600;
};

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

// The config file's contents, every key optional.
struct Config {
    std::string file;
    std::optional<std::string> api_key;
    std::optional<std::string> api_key_file;
    std::optional<std::string> base_url;
    std::optional<std::string> outbox;
    std::optional<std::string> system;
    Timeouts timeouts;
    Retry retry;
    Hook hook;
    Watch watch;
    std::vector<Repository> repositories;
};

// Parse config text; errors name the file, line and column ("f.yaml:3:5: ...").
model::Expected<Config> parse_config(std::string_view text, const std::string& file_name);

// Read and parse a config file.
model::Expected<Config> load_config(const std::filesystem::path& path);

} // namespace config
