#pragma once

#include "report/report.hpp"

#include <string>
#include <vector>

namespace report {

// A stretch of the window and what happened in it, for a chart.
struct Bucket {
    model::UnixSeconds from = 0;
    model::UnixSeconds to = 0;
    std::size_t deployments = 0;
    std::size_t failed_deployments = 0;
};

// Return the window cut in weeks from its start (the last one may be
// shorter) with the deployments of each.
std::vector<Bucket> weekly(const std::vector<DeploymentRow>& deployments, const Window& window);

// Return the window cut at calendar months (UTC; the first and last are cut
// by the window) with the deployments and failed deployments of each.
std::vector<Bucket> monthly(const std::vector<DeploymentRow>& deployments, const Window& window);

// Return the first instant of the UTC calendar month holding `time`.
model::UnixSeconds month_start(model::UnixSeconds time);

// Return the first instant of the UTC calendar month after the one holding `time`.
model::UnixSeconds next_month(model::UnixSeconds time);

} // namespace report
