#pragma once

#include "config/config.hpp"

#include <filesystem>
#include <functional>
#include <optional>
#include <string>

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

// Every setting resolved: flags > environment > config file > defaults.
struct Settings {
    Config file;
    // The config file that was read, empty when none.
    std::string config_path;
    // Never logged, never stored: only the sender puts it on the wire.
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

// Return where the outbox lives by default: /var/lib/pulse-agent for root,
// the XDG state folder for everyone else.
std::filesystem::path default_outbox_path(const Getenv& getenv);

// Resolve the settings from flags, the environment and the config file.
model::Expected<Settings> resolve_settings(const Overrides& overrides, const Getenv& getenv);

// Read an API key file, trimmed; the error never quotes the file's contents.
model::Expected<std::string> read_key_file(const std::filesystem::path& path);

} // namespace config
