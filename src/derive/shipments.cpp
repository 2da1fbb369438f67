#include "derive/shipments.hpp"

namespace derive {

std::vector<std::uint32_t> first_reachers(const model::CommitGraph& graph,
                                          const std::vector<std::uint32_t>& starts) {
    std::vector<std::uint32_t> reacher(graph.commits.size(), k_unshipped);
    std::vector<std::uint32_t> stack;
    for (std::uint32_t position = 0; position < starts.size(); ++position) {
        stack.push_back(starts[position]);
        while (!stack.empty()) {
            const auto index = stack.back();
            stack.pop_back();
            if (reacher[index] != k_unshipped) {
                continue;
            }
            reacher[index] = position;
            for (const auto parent : graph.commits[index].parents) {
                if (reacher[parent] == k_unshipped) {
                    stack.push_back(parent);
                }
            }
        }
    }
    return reacher;
}

std::vector<std::vector<std::uint32_t>> shipments(const std::vector<std::uint32_t>& reachers,
                                                  std::size_t starts) {
    std::vector<std::vector<std::uint32_t>> shipped(starts);
    for (auto index = reachers.size(); index-- > 0;) {
        if (reachers[index] != k_unshipped) {
            shipped[reachers[index]].push_back(static_cast<std::uint32_t>(index));
        }
    }
    return shipped;
}

} // namespace derive
