#pragma once

#include "model/time.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

// Plain data read from a repository; no libgit2 types, so `derive` can use them.
namespace git {

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
    std::optional<model::UnixSeconds> tagger_time;
};

// Every ref of a repository, sorted by name.
using RefSnapshot = std::vector<Ref>;

// Say whether a ref, by its full name, must be read (and peeled).
using RefFilter = std::function<bool(const std::string& name)>;

// One commit of a loaded part of history.
struct Commit {
    std::string id;
    // Indexes into CommitGraph::commits of the parents that are in the graph
    // (parents outside the loaded range are left out), in parent order.
    std::vector<std::uint32_t> parents;
    // True when the commit's first parent is in the graph (for first-parent walks).
    bool first_parent_loaded = false;
    model::UnixSeconds committer_time = 0;
    model::UnixSeconds author_time = 0;
};

// A loaded part of the commit graph: commits reachable from some tips and not
// from others, in an order where every commit comes after its children.
struct CommitGraph {
    std::vector<Commit> commits;
    std::unordered_map<std::string, std::uint32_t> index;
};

} // namespace git
