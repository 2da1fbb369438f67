#pragma once

#include "report/report.hpp"

#include <cstddef>
#include <string>
#include <vector>

namespace report {

// What one system (or all of them) did in the window, before any figure is
// worked out: the rows the keys are computed from.
struct Measurements {
    // Deployments in the window, in any order.
    std::vector<DeploymentRow> deployments = {};
    // The lead time, in seconds, of every change listed by those deployments.
    std::vector<double> lead_times = {};
    std::size_t changes_without_event = 0;
    // Incidents in the window, charged, in any order.
    std::vector<IncidentRow> incidents = {};
    std::size_t incidents_charged_before_window = 0;
};

// Add another system's measurements to these (for the total).
void merge(Measurements& into, const Measurements& from);

// Return the four keys those measurements make over the window.
Keys keys_of(std::string system, Measurements measured, const Window& window);

} // namespace report
