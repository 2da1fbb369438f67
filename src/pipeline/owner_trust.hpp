#pragma once

#include "config/settings.hpp"

#include <string>
#include <vector>

namespace pipeline {

// Trust the repositories of the users `trusted_owners` names ("*": every
// user) for the rest of the process: libgit2 opens them and the git commands
// pulse-agent runs get `-c safe.directory=` for them. Return the names that
// are no user on this machine (skipped), for a warning.
std::vector<std::string> trust_configured_owners(const config::Settings& settings);

} // namespace pipeline
