#include "derive/update_incidents.hpp"

#include "derive/incidents.hpp"
#include "derive/revert_line.hpp"

#include <algorithm>

namespace derive {

void UpdateShipments::add(std::uint32_t position, const model::CommitGraph& graph,
                          const std::vector<std::uint32_t>& commits) {
    for (const auto index : commits) {
        const auto id = graph.id(index);
        m_position.emplace(id, position);
        if (const auto it = graph.messages.find(index); it != graph.messages.end()) {
            m_messages.emplace(id, it->second);
            m_reverts.push_back({id, position});
        }
    }
}

model::Expected<void> UpdateShipments::read_earlier(History& history) {
    EarlierHistory earlier;
    if (!m_earlier_tags.empty()) {
        std::vector<std::string> tips;
        for (const auto* ref : m_earlier_tags) {
            tips.push_back(ref->peeled);
        }
        TRY_ASSIGN(earlier.graph, history.commits(tips, {}));
        earlier.shipments = tag_shipments(earlier.graph, m_earlier_tags);
    } else if (!m_earlier_tip.empty()) {
        TRY_ASSIGN(earlier.graph, history.commits({m_earlier_tip}, {}));
        earlier.shipments = branch_shipments(earlier.graph, m_earlier_tip);
    }
    earlier.by = shipped_by(earlier.graph, earlier.shipments);
    m_earlier = std::move(earlier);
    return {};
}

model::Expected<std::optional<UpdateShipments::Earlier>>
UpdateShipments::earlier_shipment(const std::string& commit, History& history) {
    if (!m_earlier) {
        TRY(read_earlier(history));
    }
    const auto found = m_earlier->graph.find(commit);
    if (!found || m_earlier->by[*found] == k_unshipped) {
        return std::optional<Earlier>{};
    }
    const auto& shipment = m_earlier->shipments[m_earlier->by[*found]];
    // Raised to its changes' committer dates, as a backfill times it.
    auto time = shipment.time;
    for (const auto index : shipment.commits) {
        time = std::max(time, m_earlier->graph.commits[index].committer_time);
    }
    return std::optional(Earlier{shipment.id, time});
}

model::Expected<bool> UpdateShipments::is_revert(const std::string& commit, History& history) {
    if (m_position.contains(commit)) {
        const auto it = m_messages.find(commit);
        return it != m_messages.end() && reverted_id(it->second).has_value();
    }
    TRY_ASSIGN(const auto message, history.message(commit));
    return reverted_id(message).has_value();
}

model::Expected<void> UpdateShipments::add_revert(const Revert& revert,
                                                  const std::vector<model::Deployment>& deployments,
                                                  History& history, Derived& out) {
    TRY_ASSIGN(const auto reverted,
               reverted_commit(m_messages.at(revert.id), {}, history, out.summary));
    if (!reverted) {
        return {};
    }
    const auto& resolved_by = deployments[revert.position];
    std::optional<Earlier> opened_by;
    if (const auto it = m_position.find(*reverted); it != m_position.end()) {
        if (it->second < revert.position) {
            opened_by = Earlier{deployments[it->second].id, deployments[it->second].time};
        }
    } else {
        TRY_ASSIGN(opened_by, earlier_shipment(*reverted, history));
    }
    if (!opened_by) {
        return {};
    }
    TRY_ASSIGN(const bool reverts_a_revert, is_revert(*reverted, history));
    if (reverts_a_revert) {
        return {};
    }
    out.events.push_back(revert_incident(revert.id, opened_by->time, resolved_by.time));
    out.incident_spans.push_back({"revert-" + revert.id, opened_by->id, resolved_by.id});
    ++out.summary.incidents;
    return {};
}

model::Expected<void>
UpdateShipments::add_revert_incidents(const std::vector<model::Deployment>& deployments,
                                      History& history, Derived& out) {
    for (const auto& revert : m_reverts) {
        TRY(add_revert(revert, deployments, history, out));
    }
    return {};
}

model::Incident rollback_incident(const std::string& old_id, const std::string& new_id,
                                  model::UnixSeconds old_time, model::UnixSeconds now) {
    return model::Incident{"rollback-" + old_id + "-" + new_id, old_time, std::max(old_time, now),
                           "git"};
}

} // namespace derive
