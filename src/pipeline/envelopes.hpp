#pragma once

#include "model/event.hpp"

#include <string>
#include <vector>

// Events addressed: the system they are filed under and the Environment
// header that names who derived them.
namespace pipeline {

// The Environment header of the events the daemon derives.
inline constexpr const char* k_daemon_environment = "git-daemon";

// The Environment header of the events a backfill derives.
inline constexpr const char* k_backfill_environment = "git-backfill";

// Return the events addressed to `system` from `environment`, moving them: a
// push or a poll of 100,000 commits holds them once.
std::vector<model::Envelope> addressed(const std::string& system, const std::string& environment,
                                       std::vector<model::Event>&& events);

} // namespace pipeline
