#pragma once

#include "model/time.hpp"

namespace report {

// The span of time a report covers: from `since`, included, to `until`,
// excluded, so that consecutive windows never count an event twice.
struct Window {
    model::UnixSeconds since = 0;
    model::UnixSeconds until = 0;
};

// Seconds in a day, the unit of deployment frequency.
inline constexpr model::UnixSeconds k_day = 86400;

// Return the default window: the 90 days ending at `now`, as the service's
// dashboard shows them.
Window default_window(model::UnixSeconds now);

// Return whether a time falls in the window (since <= time < until).
bool contains(const Window& window, model::UnixSeconds time);

// Return the window's length in days, fractions included.
double days_in(const Window& window);

} // namespace report
