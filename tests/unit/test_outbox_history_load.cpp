#include "outbox/history_load.hpp"
#include "temp_dir.hpp"

#include <doctest/doctest.h>
#include <string>
#include <vector>

namespace {

// A commit id made of a number: 40 hex digits, as a backfill's changes have.
std::string commit_id(std::size_t n) {
    auto digits = std::to_string(n);
    return std::string(40 - digits.size(), 'a') + digits;
}

std::vector<model::Event> changes(std::size_t count, std::size_t first = 0) {
    std::vector<model::Event> events;
    for (auto i = first; i < first + count; ++i) {
        events.push_back(model::Change{commit_id(i), 1602848432});
    }
    return events;
}

// Stream `events` into `load` in chunks of `chunk`, as a backfill does.
std::optional<outbox::EnqueueResult> stream(outbox::HistoryLoad& load,
                                            const std::vector<model::Event>& events,
                                            std::size_t chunk = 1000) {
    load.expect(events.size());
    for (std::size_t begin = 0; begin < events.size(); begin += chunk) {
        std::vector<model::Event> part(
            events.begin() + static_cast<std::ptrdiff_t>(begin),
            events.begin() + static_cast<std::ptrdiff_t>(std::min(begin + chunk, events.size())));
        load.add(part);
    }
    return load.finish();
}

// Return SQLite's schema cookie, which dropping and building indexes changes.
std::int64_t schema_version(const std::filesystem::path& path) {
    outbox::Database db(path);
    auto stmt = db.prepare("PRAGMA schema_version");
    stmt.step();
    return stmt.integer(0);
}

} // namespace

TEST_SUITE("outbox::HistoryLoad") {
    TEST_CASE("a first load streams the events into a new outbox, in order") {
        test_support::TempDir s;
        const auto path = s.path() / "o.db";
        std::size_t reported = 0;
        auto load = outbox::HistoryLoad::create(path, "shop", "git-backfill",
                                                [&](std::size_t done) { reported = done; });
        REQUIRE(load != nullptr);
        CHECK_FALSE(std::filesystem::exists(path)); // linked into place only when finished
        const auto events = changes(5500);
        const auto result = stream(*load, events);
        REQUIRE(result.has_value());
        CHECK(result->queued == 5500);
        CHECK(result->duplicates == 0);
        CHECK(reported == 5500);
        load.reset();
        auto box = outbox::Outbox::open(path).value();
        const auto records = box.list();
        REQUIRE(records.size() == 5500);
        CHECK(records.front().id == commit_id(0));
        CHECK(records.back().id == commit_id(5499));
        CHECK(records.back().body == model::to_json(events.back()));
        CHECK(records.back().environment == "git-backfill");
        CHECK(outbox::HistoryLoad::create(path, "shop", "git-backfill") == nullptr);
    }

    TEST_CASE("a re-run queues nothing, and writes no row nor index") {
        test_support::TempDir s;
        const auto path = s.path() / "o.db";
        const auto events = changes(6000);
        REQUIRE(stream(*outbox::HistoryLoad::create(path, "shop", "x"), events).has_value());
        auto box = outbox::Outbox::open(path).value();
        const auto before = schema_version(path);
        {
            outbox::HistoryLoad again(box, "shop", "x");
            const auto result = stream(again, events);
            REQUIRE(result.has_value());
            CHECK(result->queued == 0);
            CHECK(result->duplicates == 6000);
        }
        CHECK(schema_version(path) == before);
        CHECK(box.list().size() == 6000);
        // The same events of another system are new.
        outbox::HistoryLoad other(box, "other", "x");
        CHECK(stream(other, changes(10)).value().queued == 10);
    }

    TEST_CASE("a few new events among known ones go in one by one, the rest skipped") {
        test_support::TempDir s;
        const auto path = s.path() / "o.db";
        REQUIRE(stream(*outbox::HistoryLoad::create(path, "shop", "x"), changes(5000)).has_value());
        auto box = outbox::Outbox::open(path).value();
        // Keys other than full commit ids are known too.
        box.enqueue(std::vector<model::Envelope>{{"shop", "x", model::Change{"short", 1}}});
        const auto before = schema_version(path);
        auto events = changes(5010);
        events.push_back(model::Change{"short", 1});
        events.push_back(model::Change{commit_id(7), 1}); // repeated in the stream
        events.push_back(model::Deployment{"v1.0.0", 5, {commit_id(5001)}, {}, "git"});
        outbox::HistoryLoad load(box, "shop", "x");
        const auto result = stream(load, events);
        REQUIRE(result.has_value());
        CHECK(result->queued == 11);
        CHECK(result->duplicates == 5002);
        CHECK(schema_version(path) == before);
        CHECK(box.list().size() == 5012);
        CHECK(box.find("shop", "deployment", "v1.0.0").has_value());
    }

    TEST_CASE("many new events into an outbox holding fewer are loaded in bulk, each key once") {
        test_support::TempDir s;
        const auto path = s.path() / "o.db";
        auto box = outbox::Outbox::open(path).value();
        box.enqueue(std::vector<model::Envelope>{{"shop", "x", model::Change{commit_id(3), 1}},
                                                 {"web", "x", model::Change{commit_id(4), 1}}});
        const auto before = schema_version(path);
        auto events = changes(5000);
        events.push_back(model::Change{commit_id(42), 99}); // a key twice in one load
        outbox::HistoryLoad load(box, "shop", "x");
        const auto result = stream(load, events);
        REQUIRE(result.has_value());
        CHECK(schema_version(path) != before);
        CHECK(result->queued == 4999);
        CHECK(result->duplicates == 2);
        const auto records = box.list();
        REQUIRE(records.size() == 5001);
        CHECK(records[2].id == commit_id(0));
        // The first of the two rows of one key is kept, as one by one would.
        CHECK(box.find("shop", "change", commit_id(42))->body == model::to_json(events[42]));
        // Keyed again: the same events are all duplicates.
        CHECK(box.enqueue(std::vector<model::Envelope>{{"shop", "x", events[9]}}).duplicates == 1);
    }

    TEST_CASE("a load not finished leaves nothing behind") {
        test_support::TempDir s;
        const auto path = s.path() / "o.db";
        {
            auto load = outbox::HistoryLoad::create(path, "shop", "x");
            auto events = changes(100);
            load->expect(100);
            load->add(events);
        }
        CHECK_FALSE(std::filesystem::exists(path));
        auto box = outbox::Outbox::open(path).value();
        {
            outbox::HistoryLoad load(box, "shop", "x");
            auto events = changes(100);
            load.expect(100);
            load.add(events);
        }
        CHECK(box.list().empty());
    }
}
