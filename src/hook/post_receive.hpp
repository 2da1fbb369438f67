#pragma once

#include "config/settings.hpp"
#include "hook/hook_context.hpp"
#include "model/error.hpp"
#include "model/time.hpp"

#include <string>
#include <string_view>

// The server hook: a push written down in the outbox, for a process of its
// own to derive (push_derivation.hpp) and deliver. Nothing here touches
// libgit2 or the network, so the push waits only for one durable insert.
namespace hook {

// What the post-receive hook did with a push.
struct PushRecord {
    // False when the push changed no branch or tag (nothing to derive).
    bool recorded = false;
    // Why the background derivation could not start, when it could not.
    std::string worker_problem;
};

// Record one push; `input` is post-receive's standard input and `now` the
// time the push was received. Then start the background process that
// derives its events (and delivers them with hook.deliver: background).
model::Expected<PushRecord> record_post_receive(const config::Settings& settings,
                                                const HookContext& context, std::string_view input,
                                                model::UnixSeconds now);

} // namespace hook
