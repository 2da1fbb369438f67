#pragma once

#include "report/report.hpp"

#include <string>

namespace report {

// Return the report as one self-contained HTML page: the figures per system
// and in total, and inline SVG charts of deployments per week, lead time per
// deployment with its median, incidents with their durations and failure
// rate per month. No script, no font, no image, nothing fetched when it opens;
// styled for a laptop screen and for print.
std::string render_html(const Report& report);

} // namespace report
