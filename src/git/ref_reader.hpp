#pragma once

#include "git/facts.hpp"
#include "git/libgit2.hpp"
#include "model/error.hpp"

namespace git {

// Return every direct ref of a repository, peeled, sorted by name; symbolic
// refs (refs/remotes/origin/HEAD) are aliases and left out.
model::Expected<RefSnapshot> read_refs(git_repository* repo);

// Return a ref as it reads when it points at `target`: peeled through every
// annotated tag, with the outermost tag's tagger time.
model::Expected<Ref> describe_ref(git_repository* repo, const std::string& name,
                                  const git_oid& target);

} // namespace git
