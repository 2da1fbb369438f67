#pragma once

#include "model/commit_graph.hpp"
#include "model/refs.hpp"

#include <cstdint>
#include <limits>
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

} // namespace derive
