#pragma once

#include "git/libgit2.hpp"
#include "git/ref_filter.hpp"
#include "model/error.hpp"
#include "model/refs.hpp"

namespace git {

// Return every direct ref of a repository, sorted by name; symbolic refs
// (refs/remotes/origin/HEAD) are aliases and left out. Refs for which `peel`
// says yes are read and peeled; the others are not read (each read is an
// object lookup, and servers have tens of thousands of refs): branches are
// taken to be commits, anything else is of unknown kind.
model::Expected<model::RefSnapshot> read_refs(git_repository* repo, const RefFilter& peel);

// Return a ref as it reads when it points at `target`: peeled through every
// annotated tag, with the outermost tag's tagger time.
model::Expected<model::Ref> describe_ref(git_repository* repo, const std::string& name,
                                         const git_oid& target);

} // namespace git
