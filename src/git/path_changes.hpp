#pragma once

#include "git/libgit2.hpp"
#include "model/error.hpp"

#include <string>
#include <vector>

namespace git {

// Return whether a commit changes anything under `paths` (git pathspecs,
// relative to the top of the repository). A root commit changes what it
// adds; a merge counts only when it differs there from every parent, as
// `git log -- PATH` shows merges.
model::Expected<bool> commit_touches(git_repository* repo, const git_oid& commit,
                                     const std::vector<std::string>& paths);

} // namespace git
