#pragma once

#include "outbox/lag.hpp"

#include <nlohmann/json.hpp>
#include <string>

namespace cli {

// Return the one line `status` and `outbox` print about delivery lag: the
// oldest queued event's age and the delivery rate of the last minutes.
std::string lag_line(const outbox::Lag& lag);

// Return the same as JSON: oldest_queued_age_seconds (null when nothing is
// queued), oldest_queued_at, failing_since, delivered_last_window,
// window_seconds, delivered_per_minute.
nlohmann::ordered_json lag_json(const outbox::Lag& lag);

} // namespace cli
