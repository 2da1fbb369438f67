#pragma once

#include "config/config.hpp"

#include <filesystem>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace config {

// Values given on the command line; they win over everything else.
struct Overrides {
    std::optional<std::string> config_path;
    std::optional<std::string> api_key;
    std::optional<std::string> api_key_file;
    std::optional<std::string> base_url;
    std::optional<std::string> outbox;
    std::optional<std::string> spool;
    std::optional<std::string> system;
};

// Look up an environment variable; returns nullptr when unset.
using Getenv = std::function<const char*(const char*)>;

// Whether a command reads the API key: only those that send do, so that a
// hook or `status` works for a user who may not read the key file.
enum class KeyUse { skip, read };

// Where the API key comes from, found without reading it.
struct KeySource {
    // A key given directly (--api-key, PULSE_API_KEY, api_key).
    std::optional<std::string> key;
    // A file that holds the key (--api-key-file, PULSE_API_KEY_FILE, api_key_file).
    std::optional<std::filesystem::path> file;

    // Return whether a key is configured, reading nothing.
    bool configured() const { return key.has_value() || file.has_value(); }
    // Return the key, reading its file if that is where it is; nullopt when none is configured.
    model::Expected<std::optional<std::string>> read() const;
};

// Every setting resolved: flags > environment > config file > defaults.
struct Settings {
    Config file;
    // The config file that was read, empty when none.
    std::string config_path;
    // Where the API key comes from.
    KeySource key_source;
    // The key, read only for KeyUse::read. Never logged, never stored: only
    // the sender puts it on the wire.
    std::optional<std::string> api_key;
    std::string base_url;
    std::filesystem::path outbox;
    // Where hooks drop pushes and whoever owns the outbox picks them up.
    std::filesystem::path spool;
    std::string system;
};

// The API the Go CLI talks to when no base URL is given.
inline constexpr const char* k_default_base_url = "https://ingestion.pulse.codacy.com";

// The config file read when neither --config nor PULSE_CONFIG names one.
inline constexpr const char* k_default_config_path = "/etc/pulse-agent/config.yaml";

// The service's state folder (the unit's StateDirectory=).
inline constexpr const char* k_service_state_dir = "/var/lib/pulse-agent";

// Return where the outbox lives by default: in k_service_state_dir for root
// and for the user who owns that folder (the service's), the XDG state
// folder for everyone else.
std::filesystem::path default_outbox_path(const Getenv& getenv);

// How a command takes problems in the config file.
struct Tolerance {
    // The top-level keys the command uses (nullopt: all); a problem in
    // another key is ignored, one in the file as a whole never is.
    std::optional<std::set<std::string>> used;
    // Whether a problem in a used key leaves that key at its fallback and
    // becomes a warning, instead of refusing the file.
    bool fallbacks = false;
};

// The top-level keys a hook reads while it records a push.
inline const std::set<std::string> k_hook_keys = {"outbox", "spool",        "system",
                                                  "hook",   "repositories", "trusted_owners"};

// The top-level keys `hook deliver` reads: the hook's, and what sending takes.
inline const std::set<std::string> k_hook_delivery_keys = {
    "outbox",  "spool",        "system",   "hook",     "repositories", "trusted_owners",
    "api_key", "api_key_file", "base_url", "timeouts", "retry",        "delivery"};

// Settings resolved despite the problems a Tolerance takes in stride.
struct TolerantSettings {
    Settings settings;
    // One per problem taken in stride: "f.yaml:3:5: ...; using the default".
    std::vector<std::string> warnings;
};

// Resolve the settings from flags, the environment and the config file; any
// problem in the config file is an error.
model::Expected<Settings> resolve_settings(const Overrides& overrides, const Getenv& getenv,
                                           KeyUse key_use);

// Resolve the settings for a command that depends on only some keys of the
// config file, taking problems as `tolerance` says.
model::Expected<TolerantSettings> resolve_tolerant_settings(const Overrides& overrides,
                                                            const Getenv& getenv, KeyUse key_use,
                                                            const Tolerance& tolerance);

// Replace a relative outbox or spool path with the default: a hook runs in
// the repository, where a relative path would put the outbox inside it.
// Return one warning per path replaced.
std::vector<std::string> anchor_for_hook(Settings& settings, const Getenv& getenv);

// Read an API key file, trimmed; the error never quotes the file's contents.
model::Expected<std::string> read_key_file(const std::filesystem::path& path);

} // namespace config
