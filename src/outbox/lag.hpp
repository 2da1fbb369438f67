#pragma once

#include "model/time.hpp"

#include <cstdint>
#include <optional>

namespace outbox {

// How far delivery lags behind what was queued, as the outbox shows it.
struct Lag {
    // The events queued now.
    std::int64_t queued = 0;
    // When the oldest queued event was queued (nullopt: nothing queued).
    std::optional<model::UnixSeconds> oldest_queued_at;
    // When the longest run of failures of a queued event began (nullopt: none
    // is failing): how long the API has been failing us, at least.
    std::optional<model::UnixSeconds> failing_since;
    // Events delivered within the window that ends at `at`.
    std::int64_t delivered_in_window = 0;
    // The window's length in seconds, and its end.
    std::int64_t window = 0;
    model::UnixSeconds at = 0;

    // Return the oldest queued event's age in seconds, 0 when none is queued.
    std::int64_t oldest_age() const;
    // Return the events delivered per minute over the window.
    double per_minute() const;
};

// How far back the delivery rate looks, in seconds.
inline constexpr std::int64_t k_lag_window = 300;

} // namespace outbox
