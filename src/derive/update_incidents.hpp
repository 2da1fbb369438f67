#pragma once

#include "derive/derive.hpp"
#include "derive/shipments.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace derive {

// What the deployments of one derivation of ref updates (hook, daemon) ship,
// and where earlier deployments are found, as their incidents need it.
class UpdateShipments {
public:
    // Find earlier deployments among the release tags before the updates.
    explicit UpdateShipments(std::vector<const model::Ref*> earlier_tags)
        : m_earlier_tags(std::move(earlier_tags)) {}
    // Find earlier deployments on the deploy branch's first-parent chain from
    // `earlier_tip` (none when empty).
    explicit UpdateShipments(std::string earlier_tip) : m_earlier_tip(std::move(earlier_tip)) {}

    // Record what the deployment at `position` ships: `commits`, graph
    // indexes of `graph` (walked with messages when reverts are asked for).
    void add(std::uint32_t position, const model::CommitGraph& graph,
             const std::vector<std::uint32_t>& commits);

    // Add to `out` the incidents of the reverts these deployments ship (out's
    // deployments, in position order, are those recorded): revert-<R> when
    // the reverted commit was shipped by an earlier deployment, recorded or
    // found before the updates (the first that shipped it, exactly as a
    // backfill finds it).
    model::Expected<void> add_revert_incidents(const std::vector<model::Deployment>& deployments,
                                               History& history, Derived& out);

private:
    // A deployment from before the updates: its id and time as a backfill
    // with committer dates derives them.
    struct Earlier {
        std::string id;
        model::UnixSeconds time = 0;
    };
    // A revert a deployment ships.
    struct Revert {
        std::string id;
        std::uint32_t position = 0;
    };

    model::Expected<std::optional<Earlier>> earlier_shipment(const std::string& commit,
                                                             History& history);
    model::Expected<void> read_earlier(History& history);
    model::Expected<bool> is_revert(const std::string& commit, History& history);
    model::Expected<void> add_revert(const Revert& revert,
                                     const std::vector<model::Deployment>& deployments,
                                     History& history, Derived& out);

    std::vector<const model::Ref*> m_earlier_tags;
    std::string m_earlier_tip;
    // The deployment position of each commit the deployments ship.
    std::unordered_map<std::string, std::uint32_t> m_position;
    // The kept messages of the commits they ship.
    std::unordered_map<std::string, std::string> m_messages;
    std::vector<Revert> m_reverts;
    // Read on the first revert that needs it: the whole earlier history and
    // what each earlier deployment shipped.
    struct EarlierHistory {
        model::CommitGraph graph;
        std::vector<Shipment> shipments;
        std::vector<std::uint32_t> by;
    };
    std::optional<EarlierHistory> m_earlier;
};

// Return the incident of the deploy branch moving from `old_id` back to its
// ancestor `new_id` at `now`: rollback-<O>-<N>, created at `old_time` (O's
// committer date; time_incidents makes it O's deployment's time).
model::Incident rollback_incident(const std::string& old_id, const std::string& new_id,
                                  model::UnixSeconds old_time, model::UnixSeconds now);

} // namespace derive
