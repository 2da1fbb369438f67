#include "pipeline/health.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <vector>

namespace pipeline {

namespace {

// Add a reason at `level`, raising the judgement's level to it.
void raise(Health& health, std::vector<std::string>& reasons, HealthLevel level,
           std::string reason) {
    health.level = std::max(health.level, level);
    reasons.push_back(std::move(reason));
}

void judge_progress(const HealthFacts& facts, Health& health, std::vector<std::string>& reasons) {
    if (facts.failing_since && facts.now - *facts.failing_since > facts.failing_after) {
        raise(health, reasons, HealthLevel::critical,
              fmt::format("delivery failing for {} s (more than {} s){}",
                          facts.now - *facts.failing_since, facts.failing_after,
                          facts.delivery_problem.empty() ? "" : ": " + facts.delivery_problem));
    }
    if (facts.last_poll && facts.now - *facts.last_poll > facts.failing_after) {
        raise(health, reasons, HealthLevel::critical,
              *facts.last_poll == 0
                  ? std::string("no poll finished yet")
                  : fmt::format("no poll for {} s (more than {} s)", facts.now - *facts.last_poll,
                                facts.failing_after));
    }
}

} // namespace

std::string_view level_name(HealthLevel level) {
    switch (level) {
    case HealthLevel::ok:
        return "OK";
    case HealthLevel::warning:
        return "WARNING";
    case HealthLevel::critical:
        return "CRITICAL";
    default:
        return "UNKNOWN";
    }
}

Health judge_health(const HealthFacts& facts) {
    Health health;
    std::vector<std::string> reasons;
    judge_progress(facts, health, reasons);
    if (facts.repositories_failing > 0) {
        raise(health, reasons, HealthLevel::warning,
              fmt::format("{} repositor{} failing", facts.repositories_failing,
                          facts.repositories_failing == 1 ? "y" : "ies"));
    }
    if (facts.parked > 0) {
        raise(health, reasons, HealthLevel::warning,
              fmt::format("{} event{} parked", facts.parked, facts.parked == 1 ? "" : "s"));
    }
    reasons.push_back(facts.queued == 0 ? std::string("nothing queued")
                                        : fmt::format("{} queued, the oldest {} s old",
                                                      facts.queued, facts.oldest_age));
    for (std::size_t i = 0; i < reasons.size(); ++i) {
        health.reason += (i == 0 ? "" : "; ") + reasons[i];
    }
    return health;
}

} // namespace pipeline
