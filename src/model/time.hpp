#pragma once

#include "model/error.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace model {

// Seconds since the Unix epoch, the unit of every event time.
using UnixSeconds = std::int64_t;

// Format a time as RFC 3339 in UTC with second precision ("...T11:40:32Z").
std::string format_rfc3339(UnixSeconds seconds);

// Parse Unix seconds, a date (YYYY-MM-DD, midnight UTC) or an RFC 3339 time.
Expected<UnixSeconds> parse_time(std::string_view text);

// Return the current time.
UnixSeconds now();

} // namespace model
