#pragma once

#include "derive/derive.hpp"
#include "derive/shipments.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace derive {

// A revert that opens an incident in a backfill: the revert's graph index
// and the positions of the shipments of the reverted commit and of the revert.
struct RevertIncident {
    std::uint32_t revert = 0;
    std::uint32_t opened_by = 0;
    std::uint32_t resolved_by = 0;
};

// Return the full id of the commit a message's revert line names; nullopt
// when it has none, or when the id names no commit or more than one object
// (counted in summary.reverts_unresolved). A full id of a commit of `graph`
// needs no look-up.
model::Expected<std::optional<std::string>> reverted_commit(const std::string& message,
                                                            const model::CommitGraph& graph,
                                                            History& history, Summary& summary);

// Return the incidents of the reverts of a graph walked with messages
// (k_revert_marker): each revert shipped by a later shipment than the commit
// it reverts, when that commit is no revert itself; in the revert's
// shipment order.
model::Expected<std::vector<RevertIncident>>
revert_incidents(const model::CommitGraph& graph, const std::vector<Shipment>& shipments,
                 History& history, Summary& summary);

// Return the incident of a revert: revert-<id>, created and resolved at the
// given times (never resolved before it was created).
model::Incident revert_incident(const std::string& revert, model::UnixSeconds created,
                                model::UnixSeconds resolved);

// Add a note saying how many reverts were skipped for their id, if any.
void note_unresolved_reverts(Summary& summary);

} // namespace derive
