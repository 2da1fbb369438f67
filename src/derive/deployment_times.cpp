#include "derive/deployment_times.hpp"

#include <algorithm>
#include <unordered_map>

namespace derive {

void raise_deployment_times(std::vector<model::Event>& events, const RecordedChangeTime& recorded) {
    std::unordered_map<std::string, model::UnixSeconds> queued_with;
    for (const auto& event : events) {
        if (const auto* change = std::get_if<model::Change>(&event)) {
            queued_with.emplace(change->id, change->time);
        }
    }
    for (auto& event : events) {
        auto* deployment = std::get_if<model::Deployment>(&event);
        if (deployment == nullptr) {
            continue;
        }
        for (const auto& id : deployment->changes) {
            const auto it = queued_with.find(id);
            const auto time = it != queued_with.end() ? std::optional(it->second) : recorded(id);
            if (time) {
                deployment->time = std::max(deployment->time, *time);
            }
        }
    }
}

void time_incidents(std::vector<model::Event>& events, const std::vector<IncidentSpan>& spans,
                    const RecordedDeploymentTime& recorded) {
    std::unordered_map<std::string, model::UnixSeconds> deployed;
    std::unordered_map<std::string, const IncidentSpan*> span_of;
    for (const auto& event : events) {
        if (const auto* deployment = std::get_if<model::Deployment>(&event)) {
            deployed.emplace(deployment->id, deployment->time);
        }
    }
    for (const auto& span : spans) {
        span_of.emplace(span.incident_id, &span);
    }
    const auto time_of = [&](const std::string& id) -> std::optional<model::UnixSeconds> {
        const auto it = deployed.find(id);
        return it != deployed.end() ? std::optional(it->second) : recorded(id);
    };
    for (auto& event : events) {
        auto* incident = std::get_if<model::Incident>(&event);
        const auto it = incident != nullptr ? span_of.find(incident->id) : span_of.end();
        if (it == span_of.end()) {
            continue;
        }
        incident->created = time_of(it->second->opened_by).value_or(incident->created);
        if (!it->second->resolved_by.empty()) {
            incident->resolved = time_of(it->second->resolved_by).value_or(incident->resolved);
        }
        incident->resolved = std::max(incident->resolved, incident->created);
    }
}

} // namespace derive
