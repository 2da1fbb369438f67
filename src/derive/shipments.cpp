#include "derive/shipments.hpp"

#include "derive/releases.hpp"

#include <algorithm>

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
            for (const auto parent : graph.parents(index)) {
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

std::vector<Shipment> tag_shipments(const model::CommitGraph& graph,
                                    const std::vector<const model::Ref*>& tags) {
    std::vector<Release> releases;
    releases.reserve(tags.size());
    for (const auto* ref : tags) {
        const auto& commit = graph.commits[graph.at(ref->peeled)];
        releases.push_back(make_release(*ref, ref->tagger_time.value_or(commit.committer_time)));
    }
    sort_releases(releases);
    std::vector<std::uint32_t> starts;
    starts.reserve(releases.size());
    for (const auto& release : releases) {
        starts.push_back(graph.at(release.commit));
    }
    auto shipped = shipments(first_reachers(graph, starts), starts.size());
    std::vector<Shipment> result;
    result.reserve(releases.size());
    for (std::size_t i = 0; i < releases.size(); ++i) {
        result.push_back({releases[i].name, releases[i].time, std::move(shipped[i])});
    }
    return result;
}

std::vector<Shipment> branch_shipments(const model::CommitGraph& graph, const std::string& tip) {
    std::vector<std::uint32_t> chain{graph.at(tip)};
    while (graph.commits[chain.back()].first_parent_loaded) {
        chain.push_back(graph.parents(chain.back()).front());
    }
    std::reverse(chain.begin(), chain.end());
    auto shipped = shipments(first_reachers(graph, chain), chain.size());
    std::vector<Shipment> result;
    result.reserve(chain.size());
    for (std::size_t i = 0; i < chain.size(); ++i) {
        const auto& commit = graph.commits[chain[i]];
        result.push_back({graph.id(chain[i]), commit.committer_time, std::move(shipped[i])});
    }
    return result;
}

std::vector<std::uint32_t> shipped_by(const model::CommitGraph& graph,
                                      const std::vector<Shipment>& shipments) {
    std::vector<std::uint32_t> by(graph.commits.size(), k_unshipped);
    for (std::uint32_t position = 0; position < shipments.size(); ++position) {
        for (const auto index : shipments[position].commits) {
            by[index] = position;
        }
    }
    return by;
}

} // namespace derive
