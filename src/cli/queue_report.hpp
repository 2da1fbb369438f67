#pragma once

#include "config/settings.hpp"
#include "model/event.hpp"

#include <span>

namespace cli {

// Queue events pushed on the command line and deliver them at once (see
// pipeline::push_and_deliver), or send them directly when no outbox can be
// had; print one line per outcome on stderr, and return the exit code for
// the worst outcome.
int queue_and_report(const config::Settings& settings, std::span<const model::Envelope> events,
                     bool resend = false, bool quiet = false);

} // namespace cli
