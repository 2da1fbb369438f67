#include "derive/incidents.hpp"

#include "derive/revert_line.hpp"

#include <algorithm>

namespace derive {

namespace {

constexpr std::size_t k_full_id = 40;

bool is_revert(const model::CommitGraph& graph, std::uint32_t index) {
    const auto it = graph.messages.find(index);
    return it != graph.messages.end() && reverted_id(it->second).has_value();
}

} // namespace

model::Expected<std::optional<std::string>> reverted_commit(const std::string& message,
                                                            const model::CommitGraph& graph,
                                                            History& history, Summary& summary) {
    auto id = reverted_id(message);
    if (!id) {
        return std::optional<std::string>{};
    }
    if (id->size() == k_full_id && graph.contains(*id)) {
        return id;
    }
    TRY_ASSIGN(const auto lookup, history.lookup_commit(*id));
    if (lookup.outcome != IdLookup::Outcome::found) {
        ++summary.reverts_unresolved;
        return std::optional<std::string>{};
    }
    return std::optional(lookup.id);
}

model::Expected<std::vector<RevertIncident>>
revert_incidents(const model::CommitGraph& graph, const std::vector<Shipment>& shipments,
                 History& history, Summary& summary) {
    const auto by = shipped_by(graph, shipments);
    std::vector<RevertIncident> found;
    for (const auto& [index, message] : graph.messages) {
        TRY_ASSIGN(const auto reverted, reverted_commit(message, graph, history, summary));
        const auto target = reverted ? graph.find(*reverted) : std::nullopt;
        if (!target || by[index] == k_unshipped || by[*target] == k_unshipped ||
            by[*target] >= by[index] || is_revert(graph, *target)) {
            continue;
        }
        found.push_back({index, by[*target], by[index]});
    }
    // Parents first within a shipment, as its changes are listed.
    std::sort(found.begin(), found.end(), [](const RevertIncident& a, const RevertIncident& b) {
        return a.resolved_by != b.resolved_by ? a.resolved_by < b.resolved_by : a.revert > b.revert;
    });
    return found;
}

model::Incident revert_incident(const std::string& revert, model::UnixSeconds created,
                                model::UnixSeconds resolved) {
    return model::Incident{"revert-" + revert, created, std::max(created, resolved), "git"};
}

void note_unresolved_reverts(Summary& summary) {
    if (summary.reverts_unresolved > 0) {
        summary.notes.push_back(std::to_string(summary.reverts_unresolved) +
                                " revert(s) skipped: the reverted id names no commit, or more "
                                "than one object");
    }
}

} // namespace derive
