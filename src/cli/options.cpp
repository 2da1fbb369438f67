#include "cli/options.hpp"

#include "cli/logging.hpp"
#include "pipeline/owner_trust.hpp"
#include "sender/http_client.hpp"

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <spdlog/spdlog.h>
#include <sstream>

namespace cli {

const char* const k_exit_codes_help = R"(Exit codes:
  0  done (delivered, or already queued before)
  1  error (config, outbox, repository)
  2  wrong usage
  3  queued durably, but not delivered yet (API unreachable or busy, or no
     API key configured); `pulse-agent flush` or the daemon will retry
  4  the API rejected the event for good (4xx); it is parked in the outbox
  5  the API refused the key or the URL (401, 403, 404, redirect); events
     stay queued until the configuration is fixed

Environment:
  PULSE_CONFIG        config file (default /etc/pulse-agent/config.yaml if present)
  PULSE_API_KEY       API key, so it does not show in `ps` (PULSE_API_KEY_FILE: a file)
  PULSE_BASE_URL      API base URL
  PULSE_OUTBOX        outbox file
  PULSE_LOG_LEVEL     log level (--log-level, log.level; default info)
  PULSE_LOG_FORMAT    log lines as text or json (--log-format, log.format)
Precedence: flags > environment > config file > defaults.
)";

void add_common_options(po::options_description& options, config::Overrides& overrides) {
    auto store = [](std::optional<std::string>& target) {
        return po::value<std::string>()->notifier(
            [&target](const std::string& value) { target = value; });
    };
    options.add_options()("config", store(overrides.config_path), "config file (YAML)")(
        "api-key", store(overrides.api_key),
        "API key; prefer PULSE_API_KEY or --api-key-file, which `ps` does not show")(
        "api-key-file", store(overrides.api_key_file), "read the API key from this file")(
        "base-url", store(overrides.base_url),
        "API base URL (default https://ingestion.pulse.codacy.com)")(
        "outbox", store(overrides.outbox), "outbox file (SQLite)");
}

po::variables_map parse(const std::vector<std::string>& args,
                        const po::options_description& options,
                        const po::positional_options_description* positional,
                        const ParsedFilter& filter) {
    const int style =
        po::command_line_style::unix_style | po::command_line_style::allow_long_disguise;
    po::variables_map vm;
    try {
        po::command_line_parser parser(args);
        parser.options(options).style(style);
        if (positional) {
            parser.positional(*positional);
        }
        auto parsed = parser.run();
        if (filter) {
            filter(parsed);
        }
        po::store(parsed, vm);
        po::notify(vm);
    } catch (const po::error& e) {
        throw UsageError(e.what());
    }
    return vm;
}

namespace {

// The API key load_settings resolved last; only scrub() reads it.
std::string& resolved_key() {
    static std::string key;
    return key;
}

// The API key a hook handed over; empty for none.
std::string& handed_key() {
    static std::string key;
    return key;
}

const char* process_getenv(const char* name) {
    if (!handed_key().empty() && std::string_view(name) == "PULSE_API_KEY") {
        return handed_key().c_str();
    }
    return std::getenv(name);
}

} // namespace

config::Settings load_settings(const config::Overrides& overrides, config::KeyUse key_use) {
    auto settings =
        model::value_or_throw(config::resolve_settings(overrides, process_getenv, key_use));
    resolved_key() = settings.api_key.value_or("");
    apply_config_logging(settings.file.log);
    spdlog::debug("config '{}', outbox '{}', API {}", settings.config_path,
                  settings.outbox.string(), settings.base_url);
    for (const auto& name : pipeline::trust_configured_owners(settings)) {
        std::cerr << "pulse-agent: warning: " << settings.config_path << ": trusted_owners names '"
                  << name << "', who is no user here\n";
    }
    return settings;
}

config::TolerantSettings load_tolerant_settings(const config::Tolerance& tolerance) {
    auto tolerant = model::value_or_throw(
        config::resolve_tolerant_settings({}, process_getenv, config::KeyUse::skip, tolerance));
    apply_config_logging(tolerant.settings.file.log);
    // A hook prints nothing of it: `config check` names users that do not exist.
    pipeline::trust_configured_owners(tolerant.settings);
    return tolerant;
}

void use_handed_api_key(std::string key) {
    handed_key() = std::move(key);
}

void read_api_key(config::Settings& settings) {
    settings.api_key = model::value_or_throw(settings.key_source.read());
    resolved_key() = settings.api_key.value_or("");
}

std::string scrub(std::string message) {
    const char* env_key = process_getenv("PULSE_API_KEY");
    for (const std::string& key : {std::string(env_key ? env_key : ""), resolved_key()}) {
        message = sender::redact(std::move(message), key);
    }
    return message;
}

std::vector<std::string> split_list(const std::string& text) {
    std::vector<std::string> items;
    std::stringstream in(text);
    for (std::string item; std::getline(in, item, ',');) {
        item.erase(0, item.find_first_not_of(' '));
        item.erase(item.find_last_not_of(' ') + 1);
        if (!item.empty()) {
            items.push_back(item);
        }
    }
    return items;
}

std::optional<model::UnixSeconds> time_option(const po::variables_map& vm, const char* name) {
    if (!vm.count(name)) {
        return std::nullopt;
    }
    const auto text = vm[name].as<std::string>();
    auto parsed = model::parse_time(text);
    if (!parsed) {
        throw UsageError(std::string("--") + name + " '" + text + "': " + parsed.error().message);
    }
    return *parsed;
}

bool wants_help(const std::vector<std::string>& args) {
    return std::find(args.begin(), args.end(), "--help") != args.end() ||
           std::find(args.begin(), args.end(), "-h") != args.end();
}

} // namespace cli
