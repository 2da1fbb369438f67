#pragma once

#include "config/settings.hpp"
#include "hook/recorder.hpp"
#include "model/error.hpp"
#include "model/time.hpp"

#include <filesystem>
#include <string>
#include <string_view>

// The server hook: what a push brought, as events in the outbox.
namespace hook {

// Derive and queue the events of one push; `input` is post-receive's
// standard input and `now` the time the push was received.
model::Expected<HookOutcome> record_post_receive(const config::Settings& settings,
                                                 const std::filesystem::path& git_dir,
                                                 std::string_view input, model::UnixSeconds now);

} // namespace hook
