#pragma once

#include "model/time.hpp"

#include <optional>
#include <string>
#include <vector>

// Refs as read from a repository: plain data, so that every floor above
// model (git reads them, derive reasons on them, the outbox stores them)
// shares one shape without including another.
namespace model {

// What a ref finally points at once every annotated tag is peeled.
enum class ObjectKind { commit, tree, blob, tag, unknown };

// One ref as read in a single pass over the repository's refs.
struct Ref {
    // Full name: refs/heads/main, refs/tags/v1.0.0.
    std::string name;
    // The id the ref points to (a tag object for annotated tags), full hex.
    std::string target;
    // The id after peeling every annotated tag; equals target for non-tags.
    std::string peeled;
    ObjectKind peeled_kind = ObjectKind::unknown;
    // The tagger time of the outermost annotated tag; unset for lightweight tags.
    std::optional<UnixSeconds> tagger_time;
};

// Every ref of a repository, sorted by name.
using RefSnapshot = std::vector<Ref>;

} // namespace model
