#pragma once

#include "model/time.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace outbox {

// How many events of one system and type are in one state.
struct EventCount {
    std::string system;
    std::string type;
    // "queued", "delivered" or "parked".
    std::string state;
    std::int64_t count = 0;
};

// What the outbox holds, counted for the metrics.
struct Census {
    // Every (system, type, state) that has events.
    std::vector<EventCount> events;
    // Repositories the daemon watches, and those whose last poll failed.
    std::int64_t repositories_watched = 0;
    std::int64_t repositories_failing = 0;
    // The latest poll of a watched repository (0: none yet).
    model::UnixSeconds last_poll = 0;
    // Recorded pushes waiting to be derived, and those parked as failed.
    std::int64_t pushes_waiting = 0;
    std::int64_t pushes_parked = 0;
};

} // namespace outbox
