#include "outbox/database.hpp"
#include "outbox/files.hpp"
#include "outbox/outbox.hpp"
#include "temp_dir.hpp"

#include <doctest/doctest.h>

namespace {

model::Envelope change(const std::string& id) {
    return {"s", "test", model::Change{id, 1602848432}};
}

// An outbox holding c1 delivered, c2 and c3 parked, c4 queued.
struct Fixture {
    test_support::TempDir dir;
    outbox::Outbox box = outbox::Outbox::open(dir.path() / "outbox.db").value();

    Fixture() {
        const std::vector<model::Envelope> events = {change("c1"), change("c2"), change("c3"),
                                                     change("c4")};
        box.enqueue(events);
        box.mark_delivered(seq("c1"), 200, 1000);
        box.mark_parked(seq("c2"), 400, "bad", "{}");
        box.mark_parked(seq("c3"), 500, "failing", "");
    }

    std::int64_t seq(const std::string& id) { return box.find("s", "change", id).value().seq; }
    outbox::State state(const std::string& id) { return box.find("s", "change", id).value().state; }
};

} // namespace

TEST_SUITE("outbox::Outbox maintenance") {
    TEST_CASE("retry queues one parked event again, due now, or all of them") {
        Fixture f;
        f.box.mark_retry(f.seq("c4"), 500, "x", 99999999999);
        SUBCASE("one") {
            CHECK(f.box.retry_parked(f.seq("c2")) == 1);
            CHECK(f.state("c2") == outbox::State::queued);
            CHECK(f.state("c3") == outbox::State::parked);
            CHECK(f.box.find("s", "change", "c2")->next_attempt == 0);
            CHECK_FALSE(f.box.find("s", "change", "c2")->failing_since);
            CHECK(f.box.retry_parked(f.seq("c1")) == 0);
            CHECK(f.box.retry_parked(f.seq("c4")) == 0);
        }
        SUBCASE("all") {
            CHECK(f.box.retry_parked(std::nullopt) == 2);
            CHECK(f.box.counts(model::now()).parked == 0);
        }
    }

    TEST_CASE("drop forgets a parked event and nothing else") {
        Fixture f;
        CHECK(f.box.drop_parked(f.seq("c2")));
        CHECK_FALSE(f.box.find("s", "change", "c2"));
        CHECK_FALSE(f.box.drop_parked(f.seq("c1")));
        CHECK_FALSE(f.box.drop_parked(f.seq("c4")));
        CHECK(f.box.list().size() == 3);
    }

    TEST_CASE("prune keeps a delivered event's key and a change's time, drops the rest") {
        Fixture f;
        const auto body_before = f.box.find("s", "change", "c1")->body;
        CHECK(f.box.prune(999).events == 0);
        CHECK(f.box.find("s", "change", "c1")->body == body_before);
        const auto pruned = f.box.prune(1000);
        CHECK(pruned.events == 1);
        const auto c1 = f.box.find("s", "change", "c1").value();
        CHECK(c1.state == outbox::State::delivered);
        CHECK(c1.body == R"({"time_created":"2020-10-16T11:40:32Z"})");
        CHECK(c1.body.size() < body_before.size());
        CHECK(f.box.change_time("s", "c1") == 1602848432);
        // Parked and queued events keep everything.
        CHECK(f.box.find("s", "change", "c2")->response == "{}");
        CHECK(f.box.prune(1000).events == 0);
        const std::vector<model::Envelope> again = {change("c1")};
        CHECK(f.box.enqueue(again).duplicates == 1);
    }

    TEST_CASE("prune gives the pages of what it dropped back to the file system") {
        test_support::TempDir dir;
        auto box = outbox::Outbox::open(dir.path() / "outbox.db").value();
        std::vector<model::Envelope> events;
        for (int i = 0; i < 6000; ++i) {
            events.push_back(change("c" + std::to_string(i)));
        }
        box.enqueue(events);
        for (const auto& record : box.list()) {
            box.mark_delivered(record.seq, 200, 1000);
        }
        const auto pages = [&box] {
            outbox::Database db(box.path());
            auto count = db.prepare("PRAGMA page_count");
            count.step();
            return count.integer(0);
        };
        const auto before = pages();
        CHECK(box.prune(1000).events == 6000);
        CHECK(pages() < before * 3 / 4);
        CHECK(box.list().size() == 6000);
        CHECK(box.change_time("s", "c5999") == 1602848432);
    }

    TEST_CASE("prune removes recorded pushes parked before the cutoff") {
        Fixture f;
        auto pushes = f.box.pushes();
        const auto old_push =
            pushes.record({0, "/r.git", "u", 100, "", {}, 0, 0, "", "", ""}).value();
        const auto new_push =
            pushes.record({0, "/r.git", "u", 5000, "", {}, 0, 0, "", "", ""}).value();
        pushes.mark_failed(old_push, "gone", std::nullopt);
        pushes.mark_failed(new_push, "gone", std::nullopt);
        CHECK(f.box.prune(1000).pushes == 1);
        CHECK_FALSE(pushes.find(old_push));
        CHECK(pushes.find(new_push));
        CHECK(pushes.retry_parked(new_push) == 1);
        CHECK(pushes.find(new_push)->state == outbox::PushState::waiting);
        pushes.mark_failed(new_push, "gone", std::nullopt);
        CHECK(pushes.drop_parked(new_push));
        CHECK_FALSE(pushes.find(new_push));
    }

    TEST_CASE("a new outbox frees pruned pages; an old one is switched once") {
        Fixture f;
        CHECK(f.box.vacuums_incrementally());
        outbox::Database(f.box.path()).exec("PRAGMA auto_vacuum = NONE; VACUUM");
        // Opening an old outbox leaves it as it is; switching is a rebuild.
        auto old = outbox::Outbox::open(f.box.path()).value();
        CHECK_FALSE(old.vacuums_incrementally());
        old.switch_to_incremental_vacuum();
        CHECK(old.vacuums_incrementally());
        CHECK(old.list().size() == 4);
    }

    TEST_CASE("backup writes a consistent copy with no WAL beside it") {
        Fixture f;
        const auto copy = f.dir.path() / "copy.db";
        REQUIRE(f.box.backup_to(copy));
        CHECK_FALSE(std::filesystem::exists(outbox::wal_path(copy)));
        auto restored = outbox::Outbox::open_read_only(copy).value();
        CHECK(restored.list().size() == 4);
        CHECK(restored.find("s", "change", "c2")->state == outbox::State::parked);
        CHECK_FALSE(f.box.backup_to(f.dir.path() / "missing" / "copy.db"));
    }
}
