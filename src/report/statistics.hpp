#pragma once

#include <span>

namespace report {

// Return the p-th quantile (0 <= p <= 1) of sorted values, interpolating
// linearly between the two nearest ranks (R's type 7, numpy's default): the
// median of an even count is the mean of the middle two. Values must not be empty.
double quantile(std::span<const double> sorted, double p);

// Return the arithmetic mean of values, which must not be empty.
double mean(std::span<const double> values);

} // namespace report
