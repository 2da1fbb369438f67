#include "pipeline/envelopes.hpp"

namespace pipeline {

std::vector<model::Envelope> addressed(const std::string& system, const std::string& environment,
                                       std::vector<model::Event>&& events) {
    std::vector<model::Envelope> envelopes;
    envelopes.reserve(events.size());
    for (auto& event : events) {
        envelopes.push_back({system, environment, std::move(event)});
    }
    events.clear();
    return envelopes;
}

} // namespace pipeline
