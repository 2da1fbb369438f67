#include "model/event.hpp"

#include <nlohmann/json.hpp>

namespace model {

namespace {

template <class... Ts>
struct Overloaded : Ts... {
    using Ts::operator()...;
};

nlohmann::ordered_json body_of(const Change& c) {
    return {{"source", c.source},
            {"change_id", c.id},
            {"time_created", format_rfc3339(c.time)},
            {"event_type", c.event_type},
            {"$type", "change"}};
}

nlohmann::ordered_json body_of(const Deployment& d) {
    return {{"source", d.source},   {"deploy_id", d.id}, {"time_created", format_rfc3339(d.time)},
            {"changes", d.changes}, {"teams", d.teams},  {"$type", "deployment"}};
}

nlohmann::ordered_json body_of(const Incident& i) {
    return {{"source", i.source},
            {"incident_id", i.id},
            {"time_created", format_rfc3339(i.created)},
            {"time_resolved", format_rfc3339(i.resolved)},
            {"$type", "incident"}};
}

} // namespace

EventType type_of(const Event& event) {
    return std::visit(Overloaded{[](const Change&) { return EventType::change; },
                                 [](const Deployment&) { return EventType::deployment; },
                                 [](const Incident&) { return EventType::incident; }},
                      event);
}

const std::string& id_of(const Event& event) {
    return std::visit([](const auto& e) -> const std::string& { return e.id; }, event);
}

std::string_view type_name(EventType type) {
    switch (type) {
    case EventType::change:
        return "change";
    case EventType::deployment:
        return "deployment";
    case EventType::incident:
        return "incident";
    }
    return "unknown";
}

std::string to_json(const Event& event) {
    // Go's encoding/json escapes <, > and & as \u003c...; the API accepts both,
    // and plain UTF-8 keeps bodies readable in the outbox.
    return std::visit([](const auto& e) { return body_of(e).dump(); }, event);
}

} // namespace model
