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
    Hook hook;
    Watch watch;
    std::vector<Repository> repositories;
};

// Parse config text; errors name the file, line and column ("f.yaml:3:5: ...").
model::Expected<Config> parse_config(std::string_view text, const std::string& file_name);

// Read and parse a config file.
model::Expected<Config> load_config(const std::filesystem::path& path);

} // namespace config
