#pragma once

#include "derive/derive.hpp"
#include "git/facts.hpp"

#include <vector>

namespace watch {

// Return only the refs events can come from, branches and tags; the rest
// (refs/changes/*, refs/pull/*, notes, remotes) never make an event.
git::RefSnapshot reported_refs(git::RefSnapshot refs);

// Return the ref updates that turn one snapshot into the other, as a
// post-receive hook would see them for a push (ids are the refs' direct
// targets; an empty id is a creation or a deletion), sorted by ref name.
std::vector<derive::RefUpdate> ref_updates(const git::RefSnapshot& before,
                                           const git::RefSnapshot& after);

} // namespace watch
