#pragma once

// A small report for the renderers' tests: two systems over the 28 days from
// 2024-01-01, one with an incident.

#include "report/accumulator.hpp"

namespace test_support {

// 2024-01-01T00:00:00Z.
inline constexpr model::UnixSeconds k_sample_start = 1704067200;

// Return the report of the sample events; `with_incident` adds shop's incident.
inline report::Report sample_report(bool with_incident = true) {
    const auto s = k_sample_start;
    constexpr model::UnixSeconds k_day = 86400;
    report::Accumulator accumulator({s, s + 28 * k_day});
    accumulator.add({"shop", "t", model::Change{"c1", s}});
    accumulator.add({"shop", "t", model::Change{"c2", s + k_day}});
    accumulator.add({"shop", "t", model::Deployment{"v1.0.0", s + 2 * k_day, {"c1"}, {}}});
    accumulator.add(
        {"shop", "t", model::Deployment{"v1.1.0 <beta>", s + 9 * k_day, {"c2", "gone"}, {}}});
    accumulator.add({"web", "t", model::Change{"w1", s + 3 * k_day}});
    accumulator.add({"web", "t", model::Deployment{"w-1", s + 3 * k_day + 1800, {"w1"}, {}}});
    if (with_incident) {
        accumulator.add(
            {"shop", "t", model::Incident{"INC-1", s + 10 * k_day, s + 10 * k_day + 5400}});
    }
    return accumulator.report();
}

} // namespace test_support
