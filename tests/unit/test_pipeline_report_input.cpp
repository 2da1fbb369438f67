#include "pipeline/report_input.hpp"
#include "temp_dir.hpp"

#include <doctest/doctest.h>

namespace {

outbox::Record record_of(const model::Event& event) {
    outbox::Record record;
    record.system = "shop";
    record.type = model::type_name(model::type_of(event));
    record.id = model::id_of(event);
    record.environment = "git-backfill";
    record.body = model::to_json(event);
    return record;
}

} // namespace

TEST_SUITE("pipeline::report_input") {
    TEST_CASE("stored_event reads back each type from the body pulse-agent wrote") {
        const auto change = pipeline::stored_event(record_of(model::Change{"c1", 1700000000}));
        REQUIRE(change.has_value());
        CHECK(change->system == "shop");
        CHECK(change->environment == "git-backfill");
        CHECK(std::get<model::Change>(change->event).time == 1700000000);

        const auto deployment = pipeline::stored_event(
            record_of(model::Deployment{"v1", 1700000100, {"c1", "c2"}, {"web"}}));
        REQUIRE(deployment.has_value());
        const auto& d = std::get<model::Deployment>(deployment->event);
        CHECK(d.id == "v1");
        CHECK(d.time == 1700000100);
        CHECK(d.changes == std::vector<std::string>{"c1", "c2"});

        const auto incident =
            pipeline::stored_event(record_of(model::Incident{"INC-1", 1700000200, 1700003800}));
        REQUIRE(incident.has_value());
        CHECK(std::get<model::Incident>(incident->event).created == 1700000200);
        CHECK(std::get<model::Incident>(incident->event).resolved == 1700003800);
    }

    TEST_CASE("stored_event reads a change body of another shape through the JSON parser") {
        auto spaced = record_of(model::Change{"c1", 1700000000});
        spaced.body = R"({ "change_id": "c1", "time_created" : "2023-11-14T22:13:20+01:00" })";
        const auto change = pipeline::stored_event(spaced);
        REQUIRE(change.has_value());
        CHECK(std::get<model::Change>(change->event).time == 1700000000 - 3600);
    }

    TEST_CASE("stored_event refuses a body it cannot read") {
        auto bad = record_of(model::Change{"c1", 1700000000});
        bad.body = "not json";
        CHECK_FALSE(pipeline::stored_event(bad).has_value());
        bad.body = R"({"change_id":"c1"})";
        CHECK_FALSE(pipeline::stored_event(bad).has_value());
        bad.type = "party";
        bad.body = R"({"time_created":"2023-11-14T22:13:20Z"})";
        CHECK_FALSE(pipeline::stored_event(bad).has_value());
    }

    TEST_CASE("each_stored_event visits every event whatever its state") {
        test_support::TempDir dir;
        auto box = model::value_or_throw(outbox::Outbox::open(dir.path() / "outbox.db"));
        const std::vector<model::Envelope> events = {
            {"shop", "cli", model::Change{"c1", 1700000000}},
            {"web", "cli", model::Incident{"INC-1", 1700000200, 1700003800}}};
        box.enqueue(events);
        box.mark_delivered(box.find("shop", "change", "c1")->seq, 200, 1700000300);
        std::vector<std::string> seen;
        const auto unreadable = pipeline::each_stored_event(box, [&seen](const model::Envelope& e) {
            seen.push_back(e.system + "/" + model::id_of(e.event));
        });
        CHECK(unreadable == 0);
        CHECK(seen == std::vector<std::string>{"shop/c1", "web/INC-1"});
    }
}
