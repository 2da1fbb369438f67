#pragma once

#include "model/commit_graph.hpp"
#include "model/refs.hpp"

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace derive {

// Marks a commit no start reaches.
inline constexpr std::uint32_t k_unshipped = std::numeric_limits<std::uint32_t>::max();

// Return, for each commit of the graph, the position in `starts` of the first
// start that reaches it (k_unshipped if none). One pass over the graph: a
// start stops at commits an earlier start reached, since their ancestors were
// reached too. `starts` are graph indexes, in shipping order.
std::vector<std::uint32_t> first_reachers(const model::CommitGraph& graph,
                                          const std::vector<std::uint32_t>& starts);

// Return, for each start, the graph indexes of the commits it ships, parents
// before children.
std::vector<std::vector<std::uint32_t>> shipments(const std::vector<std::uint32_t>& reachers,
                                                  std::size_t starts);

// A deployment before its time is raised and its events are made.
struct Shipment {
    std::string id;
    model::UnixSeconds time = 0;
    // Graph indexes of the commits it ships, parents first.
    std::vector<std::uint32_t> commits;
};

// Return the deployments of release tags (refs that peel to commits of the
// graph), in release order, each with the commits no earlier one ships.
std::vector<Shipment> tag_shipments(const model::CommitGraph& graph,
                                    const std::vector<const model::Ref*>& tags);

// Return the deployments of a deploy branch at `tip` (a commit of the graph):
// one per commit of its first-parent chain, oldest first, each with the
// commits it reaches that no earlier one does.
std::vector<Shipment> branch_shipments(const model::CommitGraph& graph, const std::string& tip);

// Return, for each commit of the graph, the position of the shipment that
// ships it (k_unshipped if none).
std::vector<std::uint32_t> shipped_by(const model::CommitGraph& graph,
                                      const std::vector<Shipment>& shipments);

} // namespace derive
