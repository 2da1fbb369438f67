#pragma once

#include "derive/derive.hpp"
#include "model/commit_graph.hpp"
#include "model/refs.hpp"

#include <vector>

namespace pulse_daemon {

// Return only the refs events can come from, branches and tags; the rest
// (refs/changes/*, refs/pull/*, notes, remotes) never make an event.
model::RefSnapshot reported_refs(model::RefSnapshot refs);

// Return the ref updates that turn one snapshot into the other, as a
// post-receive hook would see them for a push (ids are the refs' direct
// targets; an empty id is a creation or a deletion), sorted by ref name.
std::vector<derive::RefUpdate> ref_updates(const model::RefSnapshot& before,
                                           const model::RefSnapshot& after);

} // namespace pulse_daemon
