#include "model/event.hpp"

#include <doctest/doctest.h>

TEST_SUITE("model::Event") {
    // 2020-10-16T11:40:32Z, the instant of the spec's examples.
    constexpr model::UnixSeconds k_time = 1602848432;

    TEST_CASE("a change body matches the spec's example byte for byte") {
        const model::Change change{"0123456789abcdef0123456789abcdef01234567", k_time};
        CHECK(model::to_json(change) ==
              R"({"source":"git","change_id":"0123456789abcdef0123456789abcdef01234567",)"
              R"("time_created":"2020-10-16T11:40:32Z","event_type":"commit","$type":"change"})");
    }

    TEST_CASE("a deployment always carries teams, even empty") {
        model::Deployment deployment{"v1.4.0", k_time, {"aaa", "bbb"}, {}};
        CHECK(model::to_json(deployment) ==
              R"({"source":"git","deploy_id":"v1.4.0","time_created":"2020-10-16T11:40:32Z",)"
              R"("changes":["aaa","bbb"],"teams":[],"$type":"deployment"})");
        deployment.teams = {"web", "api"};
        deployment.changes.clear();
        CHECK(model::to_json(deployment).find(R"("changes":[],"teams":["web","api"])") !=
              std::string::npos);
    }

    TEST_CASE("an incident body matches the spec's example") {
        const model::Incident incident{"INC-42", k_time, 1602850200};
        CHECK(model::to_json(incident) ==
              R"({"source":"cli","incident_id":"INC-42","time_created":"2020-10-16T11:40:32Z",)"
              R"("time_resolved":"2020-10-16T12:10:00Z","$type":"incident"})");
    }

    TEST_CASE("strings are JSON-escaped") {
        const model::Change change{"a\"b\\c\n", k_time, "cli", "commit"};
        CHECK(model::to_json(change).find(R"("change_id":"a\"b\\c\n")") != std::string::npos);
    }

    TEST_CASE("type and id are read from any event") {
        const model::Event event = model::Incident{"INC-1", 1, 2};
        CHECK(model::type_of(event) == model::EventType::incident);
        CHECK(model::id_of(event) == "INC-1");
        CHECK(model::type_name(model::EventType::deployment) == "deployment");
    }
}
