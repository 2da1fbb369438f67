#pragma once

#include "git/libgit2.hpp"
#include "model/error.hpp"
#include "model/time.hpp"

#include <unordered_set>
#include <vector>

namespace git {

// What a walk needs of one commit.
struct CommitFacts {
    std::vector<git_oid> parents;
    model::UnixSeconds committer_time = 0;
    model::UnixSeconds author_time = 0;
};

// The commits where a shallow clone's history is cut (their parents are absent).
using ShallowSet = std::unordered_set<git_oid, OidHash, OidEqual>;

// Reads commits straight from the object database, skipping libgit2's full
// commit parser: a walk needs only parents and two times.
class CommitReader {
public:
    // Read from this repository's object database; `shallow` commits read as roots.
    static model::Expected<CommitReader> open(git_repository* repo, ShallowSet shallow);

    // Return a commit's parents and times.
    model::Expected<CommitFacts> read(const git_oid& id);

    // Return the commit an object id ends at once annotated tags are peeled.
    model::Expected<git_oid> peel_to_commit(const git_oid& id);

private:
    CommitReader(OdbPtr odb, ShallowSet shallow);
    model::Expected<OdbObjectPtr> read_object(const git_oid& id);

    OdbPtr m_odb;
    ShallowSet m_shallow;
};

// Parse a raw commit object's header (exposed for tests).
model::Expected<CommitFacts> parse_commit(std::string_view raw);

} // namespace git
