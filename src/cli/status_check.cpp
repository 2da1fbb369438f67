#include "cli/status_check.hpp"

#include "cli/options.hpp"
#include "pipeline/courier.hpp"
#include "pipeline/delivery.hpp"
#include "pipeline/health.hpp"
#include "pipeline/outbox_metrics.hpp"
#include "util/atomic_file.hpp"

#include <iostream>

namespace cli {

namespace {

pipeline::HealthFacts facts_of(const config::Settings& settings, outbox::Outbox& box) {
    pipeline::HealthFacts facts;
    facts.now = model::now();
    facts.failing_after = settings.file.health.failing_after;
    const auto census = box.census();
    const auto lag = box.lag(facts.now);
    if (census.repositories_watched > 0) {
        facts.last_poll = census.last_poll;
    }
    facts.failing_since = lag.failing_since;
    facts.delivery_problem = box.note(pipeline::k_problem_note);
    facts.repositories_failing = census.repositories_failing;
    for (const auto& row : census.events) {
        facts.parked += row.state == "parked" ? row.count : 0;
    }
    facts.queued = lag.queued;
    facts.oldest_age = lag.oldest_age();
    return facts;
}

std::string metrics_text(const config::Settings& settings) {
    util::Exposition text;
    pipeline::append_build_info(text, pipeline::build_info());
    auto box = pipeline::open_outbox_to_read(settings);
    pipeline::append_outbox_metrics(text, box, model::now());
    return text.text();
}

} // namespace

int check_status(const config::Overrides& overrides) {
    pipeline::Health health;
    pipeline::HealthFacts facts;
    try {
        const auto settings = load_settings(overrides, config::KeyUse::skip);
        auto box = pipeline::open_outbox_to_read(settings);
        facts = facts_of(settings, box);
        health = pipeline::judge_health(facts);
    } catch (const std::exception& e) {
        health = {pipeline::HealthLevel::unknown, scrub(e.what())};
    }
    std::cout << "PULSE-AGENT " << pipeline::level_name(health.level) << " - " << health.reason;
    if (health.level != pipeline::HealthLevel::unknown) {
        std::cout << " | queued=" << facts.queued << " oldest_age=" << facts.oldest_age << "s;;"
                  << facts.failing_after << " parked=" << facts.parked
                  << " failing_repositories=" << facts.repositories_failing;
    }
    std::cout << "\n";
    return static_cast<int>(health.level);
}

int status_metrics(const config::Settings& settings, bool write) {
    if (!write) {
        std::cout << metrics_text(settings);
        return k_exit_ok;
    }
    const auto& path = settings.file.metrics.textfile;
    if (!path) {
        throw model::Failure("no metrics.textfile in the config file to write to");
    }
    if (auto written = util::replace_file(*path, metrics_text(settings)); !written) {
        throw model::Failure(written.error());
    }
    return k_exit_ok;
}

} // namespace cli
