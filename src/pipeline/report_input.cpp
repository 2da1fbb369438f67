#include "pipeline/report_input.hpp"

#include "pipeline/backfill.hpp"
#include "pipeline/envelopes.hpp"

#include <nlohmann/json.hpp>

namespace pipeline {

namespace {

using Json = nlohmann::json;

model::Expected<model::UnixSeconds> time_field(const Json& body, const char* name) {
    const auto it = body.find(name);
    if (it == body.end() || !it->is_string()) {
        return model::fail(std::string("no ") + name);
    }
    return model::parse_time(it->get_ref<const std::string&>());
}

model::Expected<model::Event> deployment_of(const Json& body, const std::string& id) {
    TRY_ASSIGN(const auto time, time_field(body, "time_created"));
    model::Deployment deployment{id, time, {}, {}};
    const auto changes = body.find("changes");
    if (changes != body.end() && changes->is_array()) {
        deployment.changes.reserve(changes->size());
        for (const auto& change : *changes) {
            if (change.is_string()) {
                deployment.changes.push_back(change.get<std::string>());
            }
        }
    }
    return deployment;
}

model::Expected<model::Event> event_of(const std::string& type, const std::string& id,
                                       const Json& body) {
    if (type == model::type_name(model::EventType::change)) {
        TRY_ASSIGN(const auto time, time_field(body, "time_created"));
        return model::Change{id, time};
    }
    if (type == model::type_name(model::EventType::deployment)) {
        return deployment_of(body, id);
    }
    if (type == model::type_name(model::EventType::incident)) {
        TRY_ASSIGN(const auto created, time_field(body, "time_created"));
        TRY_ASSIGN(const auto resolved, time_field(body, "time_resolved"));
        return model::Incident{id, created, resolved};
    }
    return model::fail("unknown type '" + type + "'");
}

// Return the time_created of a change body as pulse-agent writes it, without
// parsing the JSON: a report reads back 100k of them, and this is a third of
// the time. Nullopt when the body has another shape (then it is parsed).
std::optional<model::UnixSeconds> written_change_time(const std::string& body) {
    // Inside a JSON string a quote is escaped, so this is the key itself.
    constexpr std::string_view k_key = R"("time_created":")";
    const auto start = body.find(k_key);
    if (start == std::string::npos) {
        return std::nullopt;
    }
    const auto from = start + k_key.size();
    const auto end = body.find('"', from);
    if (end == std::string::npos) {
        return std::nullopt;
    }
    const auto time = model::parse_time(std::string_view(body).substr(from, end - from));
    return time ? std::optional(*time) : std::nullopt;
}

} // namespace

model::Expected<model::Envelope> stored_event(const outbox::Record& record) {
    if (record.type == model::type_name(model::EventType::change)) {
        if (const auto time = written_change_time(record.body)) {
            return model::Envelope{record.system, record.environment,
                                   model::Change{record.id, *time}};
        }
    }
    const auto body = Json::parse(record.body, nullptr, false);
    if (!body.is_object()) {
        return model::fail("the body of " + record.type + " '" + record.id + "' is not an object");
    }
    TRY_ASSIGN(auto event, event_of(record.type, record.id, body));
    return model::Envelope{record.system, record.environment, std::move(event)};
}

std::size_t each_stored_event(outbox::Outbox& box, const EventVisitor& visit) {
    std::size_t unreadable = 0;
    box.each(std::nullopt, [&](const outbox::Record& record) {
        const auto envelope = stored_event(record);
        if (envelope) {
            visit(*envelope);
        } else {
            ++unreadable;
        }
    });
    return unreadable;
}

model::Expected<std::string> each_derived_event(const config::Config& file, const std::string& path,
                                                const EventVisitor& visit) {
    const BackfillProgress quiet{[](const std::string&, std::optional<std::size_t>) {},
                                 [](std::size_t) {}};
    TRY_ASSIGN(auto derived, derive_history(file, {path, {}, {}}, quiet));
    const auto dropped = drop_history(derived);
    model::Envelope envelope{derived.system, k_backfill_environment, {}};
    for (auto& event : derived.derived.events) {
        envelope.event = std::move(event);
        visit(envelope);
    }
    return derived.system;
}

} // namespace pipeline
