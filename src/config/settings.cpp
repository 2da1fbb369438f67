#include "config/settings.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

namespace config {

namespace {

std::optional<std::string> from_env(const Getenv& getenv, const char* name) {
    const char* value = getenv(name);
    if (value == nullptr || *value == '\0') {
        return std::nullopt;
    }
    return std::string(value);
}

// Return the first value that is set, in precedence order.
std::optional<std::string> first_of(std::initializer_list<std::optional<std::string>> values) {
    for (const auto& value : values) {
        if (value) {
            return value;
        }
    }
    return std::nullopt;
}

model::Expected<ParsedConfig> load_chosen_config(const Overrides& overrides, const Getenv& getenv,
                                                 std::string& chosen) {
    auto path = first_of({overrides.config_path, from_env(getenv, "PULSE_CONFIG")});
    if (!path) {
        std::error_code ec;
        if (!std::filesystem::exists(k_default_config_path, ec)) {
            return ParsedConfig{};
        }
        path = k_default_config_path;
    }
    chosen = *path;
    return read_config_file(*path);
}

// Return the config, refusing it for a problem the tolerance does not take.
model::Expected<Config> tolerated(ParsedConfig parsed, const Tolerance& tolerance,
                                  std::vector<std::string>& warnings) {
    for (const auto& problem : parsed.problems) {
        const bool used =
            problem.section.empty() || !tolerance.used || tolerance.used->contains(problem.section);
        if (!used || problem.warning) {
            continue;
        }
        if (!tolerance.fallbacks) {
            return model::fail(problem.message);
        }
        warnings.push_back(problem.message + "; " + problem.fallback);
    }
    return std::move(parsed.config);
}

KeySource key_source(const Overrides& overrides, const Getenv& getenv, const Config& file) {
    // A key given directly beats a key file at the same level.
    const std::optional<std::string> levels[][2] = {
        {overrides.api_key, overrides.api_key_file},
        {from_env(getenv, "PULSE_API_KEY"), from_env(getenv, "PULSE_API_KEY_FILE")},
        {file.api_key, file.api_key_file},
    };
    for (const auto& level : levels) {
        if (level[0]) {
            return KeySource{level[0], std::nullopt};
        }
        if (level[1]) {
            return KeySource{std::nullopt, std::filesystem::path(*level[1])};
        }
    }
    return KeySource{};
}

// Fill in everything but the config file and the key from their sources.
void resolve_paths_and_names(Settings& settings, const Overrides& overrides, const Getenv& getenv) {
    settings.base_url =
        first_of({overrides.base_url, from_env(getenv, "PULSE_BASE_URL"), settings.file.base_url})
            .value_or(k_default_base_url);
    auto outbox =
        first_of({overrides.outbox, from_env(getenv, "PULSE_OUTBOX"), settings.file.outbox});
    settings.outbox = outbox ? std::filesystem::path(*outbox) : default_outbox_path(getenv);
    auto spool = first_of({overrides.spool, from_env(getenv, "PULSE_SPOOL"), settings.file.spool});
    settings.spool =
        spool ? std::filesystem::path(*spool) : settings.outbox.parent_path() / "spool";
    settings.system =
        first_of({overrides.system, from_env(getenv, "PULSE_SYSTEM"), settings.file.system})
            .value_or("");
}

// Return whether this process's user owns the service's state folder: the
// service's own user (systemd gives StateDirectory= to User=), who then finds
// the service's outbox from any command (`sudo -u pulse-agent pulse-agent status`).
bool owns_service_state() {
    struct stat st;
    return ::stat(k_service_state_dir, &st) == 0 && S_ISDIR(st.st_mode) && st.st_uid == geteuid();
}

} // namespace

std::filesystem::path default_outbox_path(const Getenv& getenv) {
    if (geteuid() == 0 || owns_service_state()) {
        return std::filesystem::path(k_service_state_dir) / "outbox.db";
    }
    if (auto state = from_env(getenv, "XDG_STATE_HOME")) {
        return std::filesystem::path(*state) / "pulse-agent" / "outbox.db";
    }
    if (auto home = from_env(getenv, "HOME")) {
        return std::filesystem::path(*home) / ".local/state/pulse-agent/outbox.db";
    }
    return std::filesystem::path(k_service_state_dir) / "outbox.db";
}

std::vector<std::string> anchor_for_hook(Settings& settings, const Getenv& getenv) {
    std::vector<std::string> warnings;
    const auto note = [&](const char* what, const std::filesystem::path& path) {
        warnings.push_back(std::string(what) + " '" + path.string() +
                           "' is relative and a hook runs inside the repository; using the "
                           "default");
    };
    if (settings.outbox.is_relative()) {
        note("the outbox", settings.outbox);
        const bool beside = settings.spool == settings.outbox.parent_path() / "spool";
        settings.outbox = default_outbox_path(getenv);
        if (beside) {
            settings.spool = settings.outbox.parent_path() / "spool";
        }
    }
    if (settings.spool.is_relative()) {
        note("the spool", settings.spool);
        settings.spool = settings.outbox.parent_path() / "spool";
    }
    return warnings;
}

model::Expected<std::string> read_key_file(const std::filesystem::path& path) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) {
        return model::fail("reading API key file '" + path.string() +
                           "': it is a directory, not a file");
    }
    std::ifstream in(path);
    if (!in) {
        return model::fail("reading API key file '" + path.string() + "': " + std::strerror(errno));
    }
    std::ostringstream text;
    text << in.rdbuf();
    std::string key = text.str();
    const auto first = key.find_first_not_of(" \t\r\n");
    if (first == std::string::npos) {
        return model::fail("API key file '" + path.string() + "' is empty");
    }
    key = key.substr(first, key.find_last_not_of(" \t\r\n") - first + 1);
    return key;
}

model::Expected<std::optional<std::string>> KeySource::read() const {
    if (key) {
        return key;
    }
    if (file) {
        TRY_ASSIGN(auto text, read_key_file(*file));
        return std::optional<std::string>(std::move(text));
    }
    return std::optional<std::string>();
}

model::Expected<TolerantSettings> resolve_tolerant_settings(const Overrides& overrides,
                                                            const Getenv& getenv, KeyUse key_use,
                                                            const Tolerance& tolerance) {
    TolerantSettings tolerant;
    auto& settings = tolerant.settings;
    TRY_ASSIGN(auto parsed, load_chosen_config(overrides, getenv, settings.config_path));
    TRY_ASSIGN(settings.file, tolerated(std::move(parsed), tolerance, tolerant.warnings));
    settings.key_source = key_source(overrides, getenv, settings.file);
    if (key_use == KeyUse::read) {
        TRY_ASSIGN(settings.api_key, settings.key_source.read());
    }
    resolve_paths_and_names(settings, overrides, getenv);
    return tolerant;
}

model::Expected<Settings> resolve_settings(const Overrides& overrides, const Getenv& getenv,
                                           KeyUse key_use) {
    TRY_ASSIGN(auto tolerant, resolve_tolerant_settings(overrides, getenv, key_use, {}));
    return std::move(tolerant.settings);
}

} // namespace config
