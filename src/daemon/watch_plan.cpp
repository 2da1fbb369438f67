#include "daemon/watch_plan.hpp"

#include "model/version.hpp"
#include "pipeline/owner_trust.hpp"

#include <cmath>
#include <filesystem>
#include <fmt/format.h>

namespace pulse_daemon {

namespace {

// The smallest interval, so that a typo cannot make the daemon spin.
constexpr double k_min_interval = 0.05;

std::string seconds_text(std::chrono::milliseconds interval) {
    return fmt::format("{:g} s", static_cast<double>(interval.count()) / 1000.0);
}

} // namespace

std::optional<std::string> credential_key_file(const config::Getenv& getenv) {
    const char* folder = getenv("CREDENTIALS_DIRECTORY");
    if (folder == nullptr || *folder == '\0') {
        return std::nullopt;
    }
    const auto path = std::filesystem::path(folder) / "api-key";
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) {
        return std::nullopt;
    }
    return path.string();
}

model::Expected<WatchPlan> make_plan(const WatchOptions& options, const config::Getenv& getenv) {
    auto overrides = options.overrides;
    if (!overrides.api_key && !overrides.api_key_file) {
        overrides.api_key_file = credential_key_file(getenv);
    }
    WatchPlan plan;
    TRY_ASSIGN(plan.settings, config::resolve_settings(overrides, getenv, config::KeyUse::read));
    // `config check` names trusted_owners that are no user; the log need not.
    pipeline::trust_configured_owners(plan.settings);
    const auto& watch = plan.settings.file.watch;
    const double interval = options.interval.value_or(static_cast<double>(watch.interval));
    if (!std::isfinite(interval) || interval < k_min_interval) {
        return model::fail("the poll interval must be at least " + std::to_string(k_min_interval) +
                           " seconds");
    }
    plan.interval = std::chrono::milliseconds(std::llround(interval * 1000));
    plan.fetch = options.fetch || watch.fetch;
    plan.fetch_timeout = std::chrono::seconds(watch.fetch_timeout);
    if (options.repos.empty()) {
        plan.repositories = plan.settings.file.repositories;
    } else {
        for (const auto& path : options.repos) {
            config::Repository repository;
            repository.path = path;
            plan.repositories.push_back(std::move(repository));
        }
    }
    return plan;
}

std::string describe_plan(const WatchPlan& plan) {
    const auto& s = plan.settings;
    std::string text = std::string("pulse-agent ") + model::k_version + " watch: config " +
                       (s.config_path.empty() ? "(none)" : s.config_path) + ", state " +
                       s.outbox.string() + ", " + std::to_string(plan.repositories.size()) +
                       " repository path" + (plan.repositories.size() == 1 ? "" : "s") +
                       ", every " + seconds_text(plan.interval);
    if (plan.fetch) {
        text += ", fetch first (timeout " + std::to_string(plan.fetch_timeout.count()) + " s)";
    }
    if (s.file.watch.backfill_on_first_sight) {
        text += ", backfill on first sight";
    }
    text += ", API " + s.base_url + (s.api_key ? "" : " (no API key: events stay queued)");
    return text;
}

} // namespace pulse_daemon
