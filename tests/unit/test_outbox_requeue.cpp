#include "outbox/outbox.hpp"
#include "temp_dir.hpp"

#include <doctest/doctest.h>

namespace {

model::Envelope change(const std::string& system, const std::string& id,
                       model::UnixSeconds time = 1602848432) {
    return {system, "test", model::Change{id, time}};
}

outbox::Key change_key(const std::string& system, const std::string& id) {
    return {system, "change", id};
}

std::vector<std::string> ids(const std::vector<outbox::Record>& records) {
    std::vector<std::string> result;
    for (const auto& r : records) {
        result.push_back(r.id);
    }
    return result;
}

} // namespace

TEST_SUITE("outbox::Outbox") {
    TEST_CASE("queued_among returns the queued events of the keys, backoff or not, oldest first") {
        test_support::TempDir dir;
        auto box = model::value_or_throw(outbox::Outbox::open(dir.path() / "outbox.db"));
        const std::vector<model::Envelope> events = {change("a", "c1"), change("a", "c2"),
                                                     change("b", "c3"), change("a", "c4")};
        box.enqueue(events);
        const auto now = model::now();
        const auto c2 = *box.find("a", "change", "c2");
        box.mark_retry(c2.seq, 500, "down", now + 3600);

        SUBCASE("a waiting event is returned, though due() skips it") {
            CHECK(ids(box.due(now, 10)) == std::vector<std::string>{"c1", "c3", "c4"});
            const std::vector<outbox::Key> keys = {change_key("a", "c2")};
            const auto records = box.queued_among(keys);
            REQUIRE(records.size() == 1);
            CHECK(records[0].next_attempt == now + 3600);
            CHECK(records[0].attempts == 1);
        }
        SUBCASE("oldest first, each once, whatever the order of the keys") {
            const std::vector<outbox::Key> keys = {change_key("a", "c4"), change_key("a", "c1"),
                                                   change_key("a", "c4"), change_key("b", "c3")};
            CHECK(ids(box.queued_among(keys)) == std::vector<std::string>{"c1", "c3", "c4"});
        }
        SUBCASE("delivered, parked and unknown keys, and other systems, are left out") {
            box.mark_delivered(box.find("a", "change", "c1")->seq, 200, now);
            box.mark_parked(box.find("a", "change", "c4")->seq, 400, "bad", "{}");
            const std::vector<outbox::Key> keys = {change_key("a", "c1"),
                                                   change_key("a", "c4"),
                                                   change_key("a", "c3"),
                                                   change_key("a", "x"),
                                                   {"a", "deployment", "c2"}};
            CHECK(box.queued_among(keys).empty());
        }
    }

    TEST_CASE("requeue replaces the body and queues the event again, due now") {
        test_support::TempDir dir;
        auto box = model::value_or_throw(outbox::Outbox::open(dir.path() / "outbox.db"));
        const std::vector<model::Envelope> events = {change("a", "c1")};
        box.enqueue(events);
        const auto seq = box.find("a", "change", "c1")->seq;
        const auto corrected = model::to_json(model::Change{"c1", 1700000000});

        SUBCASE("a delivered event") {
            box.mark_delivered(seq, 200, model::now());
            REQUIRE(box.requeue(seq, "ci", corrected));
        }
        SUBCASE("a parked event") {
            box.mark_parked(seq, 400, "bad", "{\"error\":1}");
            REQUIRE(box.requeue(seq, "ci", corrected));
        }
        SUBCASE("an event waiting out a backoff") {
            box.mark_retry(seq, 500, "down", model::now() + 3600);
            REQUIRE(box.requeue(seq, "ci", corrected));
        }
        const auto record = *box.find("a", "change", "c1");
        CHECK(record.seq == seq);
        CHECK(record.state == outbox::State::queued);
        CHECK(record.body == corrected);
        CHECK(record.environment == "ci");
        CHECK(record.attempts == 0);
        CHECK(record.next_attempt == 0);
        CHECK(record.last_error.empty());
        CHECK(record.response.empty());
        CHECK_FALSE(record.failing_since.has_value());
        CHECK(ids(box.due(model::now(), 10)) == std::vector<std::string>{"c1"});
    }

    TEST_CASE("requeue of an unknown seq changes nothing") {
        test_support::TempDir dir;
        auto box = model::value_or_throw(outbox::Outbox::open(dir.path() / "outbox.db"));
        CHECK_FALSE(box.requeue(42, "ci", "{}"));
    }
}
