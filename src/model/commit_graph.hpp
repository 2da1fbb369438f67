#pragma once

#include "model/time.hpp"

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

// A loaded part of history: plain data, read by git and reasoned on by derive.
namespace model {

// One commit of a loaded part of history.
struct Commit {
    std::string id;
    // Indexes into CommitGraph::commits of the parents that are in the graph
    // (parents outside the loaded range are left out), in parent order.
    std::vector<std::uint32_t> parents;
    // True when the commit's first parent is in the graph (for first-parent walks).
    bool first_parent_loaded = false;
    UnixSeconds committer_time = 0;
    UnixSeconds author_time = 0;
};

// A loaded part of the commit graph: commits reachable from some tips and not
// from others, in an order where every commit comes after its children.
struct CommitGraph {
    std::vector<Commit> commits;
    std::unordered_map<std::string, std::uint32_t> index;
    // The messages a walk was asked to keep (only those containing a marker),
    // by index into commits; empty unless asked.
    std::unordered_map<std::uint32_t, std::string> messages;
};

} // namespace model
