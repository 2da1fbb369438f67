#pragma once

#include "model/time.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace pipeline {

// How well pulse-agent works, in Nagios' terms (the values are its exit codes).
enum class HealthLevel { ok = 0, warning = 1, critical = 2, unknown = 3 };

// Return "OK", "WARNING", "CRITICAL" or "UNKNOWN".
std::string_view level_name(HealthLevel level);

// What the health judgement looks at.
struct HealthFacts {
    model::UnixSeconds now = 0;
    // How long delivery may fail, or polling stall, before it is critical
    // (health.failing_after).
    long failing_after = 900;
    // When polling last made progress; nullopt when there is no polling to
    // judge (nothing watched).
    std::optional<model::UnixSeconds> last_poll;
    // When delivery began failing; nullopt when it is not failing.
    std::optional<model::UnixSeconds> failing_since;
    // The last delivery problem, quoted in the reason.
    std::string delivery_problem;
    std::int64_t repositories_failing = 0;
    std::int64_t parked = 0;
    std::int64_t queued = 0;
    std::int64_t oldest_age = 0;
};

// A judgement and why.
struct Health {
    HealthLevel level = HealthLevel::ok;
    // One line: every reason for the level, or a summary when all is well.
    std::string reason;
};

// Judge: CRITICAL when delivery has failed, or polling stalled, for longer
// than failing_after; WARNING when a repository fails or events are parked;
// OK otherwise.
Health judge_health(const HealthFacts& facts);

} // namespace pipeline
