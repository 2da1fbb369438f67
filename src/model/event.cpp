#include "model/event.hpp"

#include "model/json_text.hpp"

namespace model {

namespace {

template <class... Ts>
struct Overloaded : Ts... {
    using Ts::operator()...;
};

// Writes one body's fields in the Go CLI's order.
class BodyWriter {
public:
    BodyWriter() {
        m_out.reserve(256);
        m_out += '{';
    }

    BodyWriter& field(std::string_view name, std::string_view value) {
        key(name);
        append_json_string(m_out, value);
        return *this;
    }

    BodyWriter& field(std::string_view name, const std::vector<std::string>& values) {
        key(name);
        m_out += '[';
        for (std::size_t i = 0; i < values.size(); ++i) {
            m_out += i ? "," : "";
            append_json_string(m_out, values[i]);
        }
        m_out += ']';
        return *this;
    }

    std::string finish(std::string_view type) {
        field("$type", type);
        m_out += '}';
        return std::move(m_out);
    }

private:
    void key(std::string_view name) {
        m_out += m_out.size() > 1 ? ",\"" : "\"";
        m_out += name;
        m_out += "\":";
    }

    std::string m_out;
};

std::string body_of(const Change& c) {
    return BodyWriter()
        .field("source", c.source)
        .field("change_id", c.id)
        .field("time_created", format_rfc3339(c.time))
        .field("event_type", c.event_type)
        .finish("change");
}

std::string body_of(const Deployment& d) {
    return BodyWriter()
        .field("source", d.source)
        .field("deploy_id", d.id)
        .field("time_created", format_rfc3339(d.time))
        .field("changes", d.changes)
        .field("teams", d.teams)
        .finish("deployment");
}

std::string body_of(const Incident& i) {
    return BodyWriter()
        .field("source", i.source)
        .field("incident_id", i.id)
        .field("time_created", format_rfc3339(i.created))
        .field("time_resolved", format_rfc3339(i.resolved))
        .finish("incident");
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
    return std::visit([](const auto& e) { return body_of(e); }, event);
}

} // namespace model
