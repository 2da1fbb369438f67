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

} // namespace derive
