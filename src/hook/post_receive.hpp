#pragma once

#include "config/settings.hpp"
#include "hook/hook_context.hpp"
#include "model/error.hpp"
#include "model/time.hpp"

#include <string>
#include <string_view>

// The server hook: a push written down in the spool, for a process that owns
// the outbox (the service, or one the hook starts) to take, derive and
// deliver. Nothing here touches libgit2, SQLite or the network, so the push
// waits only for one fsynced file, whatever else holds the outbox.
namespace hook {

// What the post-receive hook did with a push.
struct PushRecord {
    // False when the push changed no branch or tag (nothing to derive).
    bool recorded = false;
    // Why the background derivation could not start, when it could not.
    std::string worker_problem;
};

// Record one push in the spool (or, when the spool cannot be written, in the
// outbox directly); `input` is post-receive's standard input and `now` the
// time the push was received. Then, unless hook.deliver is `service`, start
// the background process that takes it, derives its events and (with
// `background`) delivers them.
model::Expected<PushRecord> record_post_receive(const config::Settings& settings,
                                                const HookContext& context, std::string_view input,
                                                model::UnixSeconds now);

} // namespace hook
