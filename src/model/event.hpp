#pragma once

#include "model/time.hpp"

#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace model {

// The three kinds of event the ingestion API knows.
enum class EventType { change, deployment, incident };

// A commit, timed when it was first pushed (or committed, for a backfill).
struct Change {
    std::string id;
    UnixSeconds time = 0;
    std::string source = "git";
    std::string event_type = "commit";
};

// A release and the commits it ships.
struct Deployment {
    std::string id;
    UnixSeconds time = 0;
    std::vector<std::string> changes;
    std::vector<std::string> teams;
    std::string source = "git";
};

// An outage, from when it started to when it was resolved.
struct Incident {
    std::string id;
    UnixSeconds created = 0;
    UnixSeconds resolved = 0;
    std::string source = "cli";
};

using Event = std::variant<Change, Deployment, Incident>;

// An event with where it goes (system) and who produced it (the Environment
// header), as the outbox keeps it.
struct Envelope {
    std::string system;
    std::string environment;
    Event event;
};

// Return the type of an event.
EventType type_of(const Event& event);

// Return the event's identifier (change_id, deploy_id or incident_id).
const std::string& id_of(const Event& event);

// Return the name of a type as the outbox and the CLI spell it.
std::string_view type_name(EventType type);

// Return the request body the ingestion API expects, byte for byte as the Go
// CLI would send it (times in UTC).
std::string to_json(const Event& event);

} // namespace model
