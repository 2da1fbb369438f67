#pragma once

#include "report/report.hpp"

#include <string>

namespace report {

// Return the report as the terminal shows it: one table per system, then all
// systems together when there are several, each key with its band and the
// counts behind it, in 80 columns.
std::string render_text(const Report& report);

// Return a window edge as a date when it is a midnight UTC, else RFC 3339.
std::string edge_text(model::UnixSeconds time);

} // namespace report
