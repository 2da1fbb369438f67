#pragma once

#include "git/commit_reader.hpp"
#include "model/commit_graph.hpp"
#include "model/refs.hpp"

#include <functional>
#include <vector>

namespace git {

// Called every so many commits read, with the count so far (for progress).
using WalkProgress = std::function<void(std::size_t commits)>;

// Return the commits reachable from `include` and from none of `exclude`
// (commit ids, already peeled), children before parents. Without `exclude`
// every reachable commit is read once; with it, the walk goes newest first
// and stops once only excluded history is left, as `git rev-list` does.
model::Expected<model::CommitGraph> walk_commits(CommitReader& reader,
                                                 const std::vector<git_oid>& include,
                                                 const std::vector<git_oid>& exclude,
                                                 const WalkProgress& progress = {});

} // namespace git
