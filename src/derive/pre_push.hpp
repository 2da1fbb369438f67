#pragma once

#include "derive/derive.hpp"
#include "derive/hook_input.hpp"
#include "model/error.hpp"
#include "model/refs.hpp"
#include "model/time.hpp"

#include <string>
#include <vector>

// The rule of the client pre-push hook: what a push is about to send.
namespace derive {

// Derive one change per commit the push sends and `remote` lacks, timed `now`,
// parents first. Only tracked branches and release tags count as sent; the
// remote has what its old ids reach (those `history` holds) and what
// refs/remotes/REMOTE/* in `refs` reach. No deployments: the server's hook or
// the daemon reports those.
model::Expected<Derived> pre_push(const std::vector<PushedRef>& pushed,
                                  const model::RefSnapshot& refs, const std::string& remote,
                                  History& history, const Policy& policy, model::UnixSeconds now);

} // namespace derive
