#pragma once

#include "report/report.hpp"

#include <string>

namespace report {

// Return the report as one JSON document with every figure and the counts
// behind it; the field names are stable (docs/report.md lists them).
std::string render_json(const Report& report);

} // namespace report
