#pragma once

#include "derive/derive.hpp"
#include "model/event.hpp"
#include "model/time.hpp"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace derive {

// Return when an earlier run queued the change with this id (its
// time_created), or nothing when none did.
using RecordedChangeTime =
    std::function<std::optional<model::UnixSeconds>(const std::string& change_id)>;

// Raise each deployment in `events` to the latest time_created of the changes
// it ships, whether they are queued with it (a Change in `events`) or were
// queued before (`recorded`): a deployment never precedes what it ships
// (derivation.md), so a lead time is never negative, even when a tag made
// long ago ships commits first pushed an hour ago. For the hook and the
// daemon; a backfill's events obey the rule already.
void raise_deployment_times(std::vector<model::Event>& events, const RecordedChangeTime& recorded);

// Return when an earlier run queued the deployment with this id (its
// time_created), or nothing when none did.
using RecordedDeploymentTime =
    std::function<std::optional<model::UnixSeconds>(const std::string& deploy_id)>;

// Time the incidents in `events` by their spans, once the deployments' times
// are final (after raise_deployment_times): created at the time of the
// deployment that opened it, from `events` or else `recorded` (else the
// time history gave it), resolved at that of the deployment that resolved
// it, never before it was created.
void time_incidents(std::vector<model::Event>& events, const std::vector<IncidentSpan>& spans,
                    const RecordedDeploymentTime& recorded);

} // namespace derive
