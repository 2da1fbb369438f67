#include "cli/logging.hpp"

#include "cli/options.hpp"
#include "daemon/journal_log.hpp"

#include <cstdlib>
#include <optional>
#include <spdlog/spdlog.h>

namespace cli {

namespace {

// What the command line or the environment chose, which the config file
// does not override.
struct Chosen {
    std::optional<std::string> level;
    std::optional<std::string> format;
};

Chosen& chosen() {
    static Chosen chosen;
    return chosen;
}

spdlog::level::level_enum level_of(const std::string& word) {
    if (word == "warning") {
        return spdlog::level::warn;
    }
    if (word == "error") {
        return spdlog::level::err;
    }
    return spdlog::level::from_str(word);
}

std::string checked(const char* what, std::string value) {
    const bool known = std::string_view(what) == "--log-level"
                           ? config::k_log_levels.contains(value)
                           : value == "text" || value == "json";
    if (!known) {
        throw UsageError(std::string(what) + " '" + value + "': must be " +
                         (std::string_view(what) == "--log-level"
                              ? "trace, debug, info, warning, error, critical or off"
                              : "text or json"));
    }
    return value;
}

// Take `--NAME VALUE` or `--NAME=VALUE` out of args; the last one wins.
std::optional<std::string> take(std::vector<std::string>& args, const std::string& name) {
    std::optional<std::string> value;
    for (std::size_t i = 0; i < args.size() && args[i] != "--";) {
        if (args[i] == name) {
            if (i + 1 == args.size()) {
                throw UsageError("the option '" + name + "' requires an argument");
            }
            value = checked(name.c_str(), args[i + 1]);
            args.erase(args.begin() + static_cast<long>(i),
                       args.begin() + static_cast<long>(i) + 2);
        } else if (args[i].starts_with(name + "=")) {
            value = checked(name.c_str(), args[i].substr(name.size() + 1));
            args.erase(args.begin() + static_cast<long>(i));
        } else {
            ++i;
        }
    }
    return value;
}

// Return an environment variable's choice; a wrong one is warned about and
// ignored rather than refused, as a hook must not fail a push over it.
std::optional<std::string> from_env(const char* name, const char* option,
                                    std::vector<std::string>& warnings) {
    const char* value = std::getenv(name);
    if (value == nullptr || *value == '\0') {
        return std::nullopt;
    }
    try {
        return checked(option, value);
    } catch (const UsageError& e) {
        warnings.push_back(std::string(name) + ": " + e.what() + "; ignoring it");
        return std::nullopt;
    }
}

void use_logging(const std::string& level, const std::string& format) {
    spdlog::set_level(level_of(level));
    pulse_daemon::log_to_stderr(format == "json" ? pulse_daemon::LogFormat::json
                                                 : pulse_daemon::LogFormat::text);
}

} // namespace

void start_logging(std::vector<std::string>& args) {
    auto& choice = chosen();
    choice.level = take(args, "--log-level");
    choice.format = take(args, "--log-format");
    std::vector<std::string> warnings;
    if (!choice.level) {
        choice.level = from_env("PULSE_LOG_LEVEL", "--log-level", warnings);
    }
    if (!choice.format) {
        choice.format = from_env("PULSE_LOG_FORMAT", "--log-format", warnings);
    }
    use_logging(choice.level.value_or("info"), choice.format.value_or("text"));
    for (const auto& warning : warnings) {
        spdlog::warn("{}", warning);
    }
}

void apply_config_logging(const config::Log& log) {
    const auto& choice = chosen();
    if ((choice.level || !log.level) && (choice.format || !log.format)) {
        return;
    }
    use_logging(choice.level.value_or(log.level.value_or("info")),
                choice.format.value_or(log.format.value_or("text")));
}

} // namespace cli
