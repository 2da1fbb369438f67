#pragma once

#include "config/settings.hpp"
#include "model/error.hpp"
#include "model/time.hpp"
#include "pipeline/recorder.hpp"

#include <filesystem>
#include <string>
#include <string_view>

// The client hook: commits a push is about to send that the remote lacks.
namespace hook {

// Queue one change per commit the push sends and `remote` does not have yet
// (not reachable from the remote's old ids that exist here, nor from
// refs/remotes/REMOTE/*), timed `now`, the start of the push, under the
// Environment header git-pre-push.
model::Expected<pipeline::HookOutcome>
record_pre_push(const config::Settings& settings, const std::filesystem::path& git_dir,
                const std::string& remote, std::string_view input, model::UnixSeconds now);

} // namespace hook
