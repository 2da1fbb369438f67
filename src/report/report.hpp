#pragma once

#include "model/time.hpp"
#include "report/bands.hpp"
#include "report/window.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

// The four DORA keys over a window, per system and in total (docs/report.md).
namespace report {

// One deployment in the window, as the charts and the slowest list show it.
struct DeploymentRow {
    std::string system = {};
    std::string id = {};
    model::UnixSeconds time = 0;
    // Listed changes whose change event was found (those with lead times).
    std::size_t changes = 0;
    // The median lead time of those changes; none when there were none.
    std::optional<double> median_lead_time = {};
    // Incidents of the window charged to this deployment.
    std::size_t incidents = 0;
};

// One incident in the window.
struct IncidentRow {
    std::string system = {};
    std::string id = {};
    model::UnixSeconds created = 0;
    model::UnixSeconds resolved = 0;
    // The deployment it is charged to; none when no deployment of its
    // system came at or before it.
    std::optional<std::string> charged_to = {};
};

// Deployment frequency and what it counts.
struct Frequency {
    std::size_t deployments = 0;
    double per_day = 0;
    double per_week = 0;
    Band band = Band::low;
};

// Lead time for changes: quantiles in seconds, none when no change counted.
struct LeadTime {
    std::size_t changes = 0;
    // Changes listed by a deployment in the window with no change event: skipped.
    std::size_t changes_without_event = 0;
    std::optional<double> median = {};
    std::optional<double> p25 = {};
    std::optional<double> p75 = {};
    std::optional<double> p90 = {};
    std::optional<Band> band = {};
};

// Change failure rate; `rate` is none when no incident was recorded (or no
// deployment made one possible).
struct FailureRate {
    std::size_t deployments = 0;
    std::size_t failed_deployments = 0;
    std::size_t incidents = 0;
    // Incidents with no deployment of their system at or before them.
    std::size_t incidents_charged_to_none = 0;
    // Incidents charged to a deployment made before the window.
    std::size_t incidents_charged_before_window = 0;
    std::optional<double> rate = {};
    std::optional<Band> band = {};
};

// Time to restore in seconds: the mean (the service's figure) and the median.
struct Restore {
    std::size_t incidents = 0;
    // Incidents resolved before they were created: left out of the figures.
    std::size_t incidents_resolved_before_created = 0;
    std::optional<double> mean = {};
    std::optional<double> median = {};
    std::optional<Band> band = {};
};

// The four keys of one system, or of every system together.
struct Keys {
    // The system's name; empty for the total.
    std::string system = {};
    Frequency frequency = {};
    LeadTime lead_time = {};
    FailureRate failure_rate = {};
    Restore restore = {};
    // Up to five deployments with the largest median lead time, slowest first.
    std::vector<DeploymentRow> slowest = {};
    // Every deployment in the window, oldest first.
    std::vector<DeploymentRow> deployments = {};
    // Every incident in the window, oldest first.
    std::vector<IncidentRow> incidents = {};
};

// A whole report.
struct Report {
    Window window = {};
    // One entry per system, by name.
    std::vector<Keys> systems = {};
    Keys total = {};
};

} // namespace report
