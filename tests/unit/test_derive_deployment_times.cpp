#include "derive/deployment_times.hpp"

#include <doctest/doctest.h>
#include <map>

namespace {

model::UnixSeconds deployment_time(const std::vector<model::Event>& events) {
    for (const auto& event : events) {
        if (const auto* d = std::get_if<model::Deployment>(&event)) {
            return d->time;
        }
    }
    FAIL("no deployment");
    return 0;
}

// What earlier pushes queued: change id -> time_created.
std::optional<model::UnixSeconds> recorded(const std::string& id) {
    static const std::map<std::string, model::UnixSeconds> earlier = {{"old", 500}, {"older", 50}};
    const auto it = earlier.find(id);
    return it == earlier.end() ? std::nullopt : std::optional(it->second);
}

} // namespace

TEST_SUITE("derive::raise_deployment_times") {
    TEST_CASE("raised to the latest change queued with it") {
        std::vector<model::Event> events = {model::Change{"new", 300},
                                            model::Deployment{"v1", 100, {"new", "older"}, {}}};
        derive::raise_deployment_times(events, recorded);
        CHECK(deployment_time(events) == 300);
    }

    TEST_CASE("raised to a change queued by an earlier push") {
        std::vector<model::Event> events = {model::Change{"new", 300},
                                            model::Deployment{"v1", 100, {"new", "old"}, {}}};
        derive::raise_deployment_times(events, recorded);
        CHECK(deployment_time(events) == 500);
    }

    TEST_CASE("never lowered, and unknown changes change nothing") {
        std::vector<model::Event> events = {
            model::Deployment{"v1", 1000, {"old", "older", "unknown"}, {}}};
        derive::raise_deployment_times(events, recorded);
        CHECK(deployment_time(events) == 1000);
    }

    TEST_CASE("a change queued with the push wins over its recorded time") {
        // The same id cannot be both, but the push's own time is the one queued.
        std::vector<model::Event> events = {model::Change{"old", 200},
                                            model::Deployment{"v1", 100, {"old"}, {}}};
        derive::raise_deployment_times(events, recorded);
        CHECK(deployment_time(events) == 200);
    }
}
