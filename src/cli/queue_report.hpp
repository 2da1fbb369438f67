#pragma once

#include "config/settings.hpp"
#include "model/event.hpp"

#include <span>

namespace cli {

// Queue events, deliver at once when an API key is set, print one line per
// outcome on stderr, and return the exit code for the worst outcome.
int queue_and_report(const config::Settings& settings, std::span<const model::Envelope> events,
                     bool quiet = false);

} // namespace cli
