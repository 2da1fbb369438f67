#include "outbox/outbox.hpp"
#include "temp_dir.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

namespace {

model::Envelope change(const std::string& system, const std::string& id) {
    return {system, "test", model::Change{id, 1602848432}};
}

// Enough changes (c0, c1, ...) of system "a" to be loaded in bulk.
std::vector<model::Envelope> many_changes(std::size_t count, std::size_t first = 0) {
    std::vector<model::Envelope> events;
    for (auto i = first; i < first + count; ++i) {
        events.push_back(change("a", "c" + std::to_string(i)));
    }
    return events;
}

// Queue events in one transaction the way a backfill does; return the result
// and the last progress reported.
std::pair<outbox::EnqueueResult, std::size_t> load(outbox::Outbox& box,
                                                   std::span<const model::Envelope> events) {
    std::size_t reported = 0;
    auto result = box.enqueue(events, [&reported](std::size_t done) { reported = done; });
    return {std::move(result), reported};
}

std::vector<std::string> index_names(outbox::Outbox& box) {
    outbox::Database db(box.path());
    auto stmt = db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND "
                           "tbl_name = 'events' ORDER BY name");
    std::vector<std::string> names;
    while (stmt.step()) {
        names.push_back(stmt.text(0));
    }
    return names;
}

// Return SQLite's schema cookie, which a bulk load's index rebuild changes.
std::int64_t schema_version(outbox::Outbox& box) {
    outbox::Database db(box.path());
    auto stmt = db.prepare("PRAGMA schema_version");
    stmt.step();
    return stmt.integer(0);
}

// Write an outbox as the first versions made it: the key a table constraint.
void make_constrained_outbox(const std::filesystem::path& path) {
    outbox::Database db(path);
    db.exec(R"sql(
        PRAGMA journal_mode = WAL;
        CREATE TABLE events (
            seq INTEGER PRIMARY KEY, system TEXT NOT NULL, type TEXT NOT NULL, id TEXT NOT NULL,
            environment TEXT NOT NULL, body TEXT NOT NULL,
            state TEXT NOT NULL DEFAULT 'queued'
                CHECK (state = 'queued' OR state = 'delivered' OR state = 'rejected'),
            attempts INTEGER NOT NULL DEFAULT 0, next_attempt INTEGER NOT NULL DEFAULT 0,
            last_status INTEGER, last_error TEXT NOT NULL DEFAULT '',
            response TEXT NOT NULL DEFAULT '', queued_at INTEGER NOT NULL, delivered_at INTEGER,
            UNIQUE (system, type, id));
        CREATE INDEX events_queued ON events (system, seq) WHERE state = 'queued';
        CREATE TABLE notes (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        INSERT INTO events (system, type, id, environment, body, state, queued_at)
        VALUES ('a', 'change', 'old1', 'test', '{}', 'delivered', 1),
               ('a', 'change', 'old2', 'test', '{}', 'queued', 1);
    )sql");
}

} // namespace

TEST_SUITE("outbox::Outbox") {
    TEST_CASE("creates its folder 0700 and its file 0600") {
        test_support::TempDir s;
        const auto path = s.path() / "state" / "outbox.db";
        REQUIRE(outbox::Outbox::open(path).has_value());
        struct stat st {};
        REQUIRE(::stat(path.c_str(), &st) == 0);
        CHECK((st.st_mode & 0777) == 0600);
        REQUIRE(::stat((s.path() / "state").c_str(), &st) == 0);
        CHECK((st.st_mode & 0777) == 0700);
    }

    TEST_CASE("a key (system, type, id) is queued once") {
        test_support::TempDir s;
        auto box = outbox::Outbox::open(s.path() / "o.db").value();
        const std::vector<model::Envelope> first = {change("a", "c1"), change("a", "c2")};
        auto result = box.enqueue(first);
        CHECK(result.queued == 2);
        CHECK(result.inserted == std::vector<bool>{true, true});
        // Same id in another system, or as another type, is another key.
        const std::vector<model::Envelope> second = {
            change("a", "c1"),
            change("b", "c1"),
            {"a", "test", model::Deployment{"c1", 1, {}, {}}}};
        result = box.enqueue(second);
        CHECK(result.queued == 2);
        CHECK(result.duplicates == 1);
        CHECK(result.inserted == std::vector<bool>{false, true, true});
        CHECK(box.list().size() == 4);
    }

    TEST_CASE("a delivered key is never queued again") {
        test_support::TempDir s;
        auto box = outbox::Outbox::open(s.path() / "o.db").value();
        const std::vector<model::Envelope> events = {change("a", "c1")};
        box.enqueue(events);
        box.mark_delivered(box.due(model::now(), 10).at(0).seq, 200, model::now());
        CHECK(box.enqueue(events).duplicates == 1);
        CHECK(box.counts(model::now()).delivered == 1);
        CHECK(box.counts(model::now()).queued == 0);
    }

    TEST_CASE("events survive reopening, with the exact body") {
        test_support::TempDir s;
        {
            auto box = outbox::Outbox::open(s.path() / "o.db").value();
            const std::vector<model::Envelope> events = {change("a", "c1")};
            box.enqueue(events);
        }
        auto box = outbox::Outbox::open(s.path() / "o.db").value();
        const auto record = box.find("a", "change", "c1");
        REQUIRE(record.has_value());
        CHECK(record->body == model::to_json(model::Change{"c1", 1602848432}));
        CHECK(record->environment == "test");
        CHECK(record->state == outbox::State::queued);
    }

    TEST_CASE("due returns windows in queue order, passing over events that wait") {
        test_support::TempDir s;
        auto box = outbox::Outbox::open(s.path() / "o.db").value();
        const std::vector<model::Envelope> events = {change("a", "a1"), change("b", "b1"),
                                                     change("a", "a2"), change("b", "b2")};
        box.enqueue(events);
        const auto now = model::now();
        auto due = box.due(now, 10);
        REQUIRE(due.size() == 4);
        CHECK(due[0].id == "a1");
        CHECK(due[1].id == "b1");
        CHECK(due[2].id == "a2");
        // a1 must be retried later: the rest of its system is due all the same.
        box.mark_retry(due[0].seq, 503, "HTTP 503", now + 60);
        due = box.due(now, 10);
        REQUIRE(due.size() == 3);
        CHECK(due[0].id == "b1");
        CHECK(due[1].id == "a2");
        CHECK(box.counts(now).waiting == 1);
        // A window starts after the last event of the one before.
        const auto second = box.due(now, 2, due[0].seq);
        REQUIRE(second.size() == 2);
        CHECK(second[0].id == "a2");
        CHECK(second[1].id == "b2");
        CHECK(box.due(now, 2, second[1].seq).empty());
        // Once due again, a1 comes first, with its attempt counted.
        due = box.due(now + 61, 10);
        REQUIRE(due.size() == 4);
        CHECK(due[0].id == "a1");
        CHECK(due[0].attempts == 1);
        CHECK(due[0].last_error == "HTTP 503");
    }

    TEST_CASE("queued_changes_of names the listed changes still queued in the system") {
        test_support::TempDir s;
        auto box = outbox::Outbox::open(s.path() / "o.db").value();
        const std::vector<model::Envelope> events = {
            change("a", "c1"),
            change("a", "c2"),
            change("a", "c3"),
            change("b", "c4"),
            {"a", "test", model::Deployment{"v1", 1602848432, {"c1", "c2", "c3", "c4", "c9"}, {}}},
            {"a", "test", model::Deployment{"v0", 1602848432, {}, {}}}};
        box.enqueue(events);
        const auto queued = box.due(model::now(), 10);
        box.mark_delivered(queued[0].seq, 200, model::now());
        box.mark_parked(queued[2].seq, 422, "bad", "");
        const auto deployment = box.find("a", "deployment", "v1").value();
        // c1 delivered, c3 parked, c4 another system's, c9 never queued.
        CHECK(box.queued_changes_of(deployment.seq) == std::vector<std::string>{"c2"});
        CHECK(box.queued_changes_of(box.find("a", "deployment", "v0")->seq).empty());
        CHECK(box.queued_changes_of(queued[1].seq).empty());
    }

    TEST_CASE("a parked event keeps its answer and no longer blocks its system") {
        test_support::TempDir s;
        auto box = outbox::Outbox::open(s.path() / "o.db").value();
        const std::vector<model::Envelope> events = {change("a", "a1"), change("a", "a2")};
        box.enqueue(events);
        const auto first = box.due(model::now(), 10).at(0);
        box.mark_parked(first.seq, 400, "HTTP 400: bad", R"({"error":"bad"})");
        const auto due = box.due(model::now(), 10);
        REQUIRE(due.size() == 1);
        CHECK(due[0].id == "a2");
        const auto parked = box.list(outbox::State::parked);
        REQUIRE(parked.size() == 1);
        CHECK(parked[0].last_status == 400);
        CHECK(parked[0].response == R"({"error":"bad"})");
    }

    TEST_CASE("each visits every event, or one state's, in order across its pages") {
        test_support::TempDir s;
        auto box = outbox::Outbox::open(s.path() / "o.db").value();
        box.enqueue(many_changes(1300));
        for (std::int64_t seq = 7; seq <= 1300; seq += 100) {
            box.mark_parked(seq, 400, "bad", "");
        }
        std::vector<std::int64_t> all;
        box.each(std::nullopt, [&all](const outbox::Record& r) { all.push_back(r.seq); });
        REQUIRE(all.size() == 1300);
        CHECK(std::is_sorted(all.begin(), all.end()));
        CHECK(std::adjacent_find(all.begin(), all.end()) == all.end());
        std::vector<std::string> rejected;
        box.each(outbox::State::parked,
                 [&rejected](const outbox::Record& r) { rejected.push_back(r.id); });
        REQUIRE(rejected.size() == 13);
        CHECK(rejected.front() == "c6");
        CHECK(rejected.back() == "c1206");
        CHECK(box.list(outbox::State::parked).size() == 13);
        CHECK(box.list().back().id == "c1299");
    }

    TEST_CASE("notes are kept and overwritten") {
        test_support::TempDir s;
        auto box = outbox::Outbox::open(s.path() / "o.db").value();
        CHECK(box.note("x").empty());
        box.set_note("x", "one");
        box.set_note("x", "two");
        CHECK(box.note("x") == "two");
    }

    TEST_CASE("opening a second connection keeps the first one's locks") {
        // A process that closes the file while another still uses it must not
        // believe it was the last user and remove the WAL under it.
        test_support::TempDir s;
        const auto path = s.path() / "o.db";
        auto first = outbox::Outbox::open(path).value();
        const std::vector<model::Envelope> events = {change("a", "c1")};
        first.enqueue(events);
        auto second = outbox::Outbox::open(path).value();
        const auto command =
            "sqlite3 '" + path.string() + "' 'SELECT COUNT(*) FROM events' >/dev/null";
        REQUIRE(std::system(command.c_str()) == 0);
        CHECK(std::filesystem::exists(path.string() + "-wal"));
        CHECK(std::filesystem::exists(path.string() + "-shm"));
        first.enqueue(std::vector<model::Envelope>{change("a", "c2")});
        CHECK(second.list().size() == 2);
    }

    TEST_CASE("a bulk load queues thousands of events in order, each key once") {
        test_support::TempDir s;
        auto box = outbox::Outbox::open(s.path() / "o.db").value();
        const auto events = many_changes(5000);
        const auto before = schema_version(box);
        const auto [result, reported] = load(box, events);
        CHECK(schema_version(box) != before);
        CHECK(result.queued == 5000);
        CHECK(result.duplicates == 0);
        CHECK(result.inserted == std::vector<bool>(5000, true));
        CHECK(reported == 5000);
        const auto records = box.list();
        REQUIRE(records.size() == 5000);
        CHECK(records.front().id == "c0");
        CHECK(records.back().id == "c4999");
        CHECK(records.back().body == model::to_json(events.back().event));
        CHECK(index_names(box) ==
              std::vector<std::string>{"events_due", "events_key", "events_unpruned"});
        // Loaded again, in bulk or not, nothing is new.
        CHECK(load(box, events).first.duplicates == 5000);
        CHECK(box.enqueue(std::vector<model::Envelope>{change("a", "c7")}).duplicates == 1);
        CHECK(box.due(model::now(), 1).at(0).id == "c0");
    }

    TEST_CASE("events of one system and environment are queued as their envelopes would be") {
        test_support::TempDir s;
        auto box = outbox::Outbox::open(s.path() / "o.db").value();
        std::vector<model::Event> events;
        for (const auto& envelope : many_changes(5000)) {
            events.push_back(envelope.event);
        }
        std::size_t reported = 0;
        const auto result = box.enqueue_history("sys", "env", events,
                                                [&reported](std::size_t done) { reported = done; });
        CHECK(result.queued == 5000);
        CHECK(reported == 5000);
        const auto records = box.list();
        REQUIRE(records.size() == 5000);
        CHECK(records.back().system == "sys");
        CHECK(records.back().environment == "env");
        CHECK(records.back().body == model::to_json(events.back()));
        // A few, one by one; the key counts the system.
        const std::vector<model::Event> few = {events.front(), model::Change{"x", 1}};
        CHECK(box.enqueue_history("sys", "env", few).inserted == std::vector<bool>{false, true});
        CHECK(box.enqueue_history("other", "env", few).queued == 2);
        CHECK(box.find("other", "change", "c0").has_value());
    }

    TEST_CASE("a bulk load skips the keys the outbox holds") {
        test_support::TempDir s;
        auto box = outbox::Outbox::open(s.path() / "o.db").value();
        box.enqueue(many_changes(100, 4950));
        const auto before = schema_version(box);
        const auto [result, reported] = load(box, many_changes(5000));
        CHECK(schema_version(box) != before); // loaded in bulk: indexes built anew
        CHECK(result.queued == 4950);
        CHECK(result.duplicates == 50);
        CHECK(result.inserted[4949]);
        CHECK_FALSE(result.inserted[4950]);
        CHECK(reported == 5000);
        const auto records = box.list();
        REQUIRE(records.size() == 5050);
        CHECK(records[100].id == "c0");
        CHECK(index_names(box) ==
              std::vector<std::string>{"events_due", "events_key", "events_unpruned"});
    }

    TEST_CASE("a bulk load repeating a key, or into a fuller outbox, inserts one by one") {
        test_support::TempDir s;
        auto box = outbox::Outbox::open(s.path() / "o.db").value();
        auto events = many_changes(5000);
        events.push_back(change("a", "c3"));
        auto before = schema_version(box);
        auto [result, reported] = load(box, events);
        CHECK(schema_version(box) == before);
        CHECK(result.queued == 5000);
        CHECK(result.duplicates == 1);
        CHECK_FALSE(result.inserted.back());
        CHECK(reported == events.size());
        CHECK(box.list().size() == 5000);
        before = schema_version(box);
        CHECK(load(box, many_changes(4500, 5000)).first.queued == 4500);
        CHECK(schema_version(box) == before);
        CHECK(box.list().back().id == "c9499");
    }

    TEST_CASE("an outbox keyed by a table constraint works and its first bulk load rebuilds it") {
        test_support::TempDir s;
        const auto path = s.path() / "o.db";
        make_constrained_outbox(path);
        auto box = outbox::Outbox::open(path).value();
        // The old per-system index gave way to events_due.
        CHECK(index_names(box) == std::vector<std::string>{"events_due", "events_unpruned",
                                                           "sqlite_autoindex_events_1"});
        CHECK(box.enqueue(std::vector<model::Envelope>{change("a", "old1")}).duplicates == 1);
        CHECK(box.enqueue(std::vector<model::Envelope>{change("a", "new")}).queued == 1);
        auto events = many_changes(5000);
        events.push_back(change("a", "old2"));
        const auto [result, reported] = load(box, events);
        CHECK(result.queued == 5000);
        CHECK(result.duplicates == 1);
        CHECK(index_names(box) ==
              std::vector<std::string>{"events_due", "events_key", "events_unpruned"});
        const auto records = box.list();
        REQUIRE(records.size() == 5003);
        CHECK(records[0].id == "old1");
        CHECK(records[0].seq == 1);
        CHECK(records[0].state == outbox::State::delivered);
        CHECK(records[2].id == "new");
        CHECK(records[3].id == "c0");
        CHECK(box.due(model::now(), 1).at(0).id == "old2");
        CHECK(box.enqueue(std::vector<model::Envelope>{change("a", "c9")}).duplicates == 1);
        // Reopened, it stays as it is now.
        auto again = outbox::Outbox::open(path).value();
        CHECK(index_names(again) ==
              std::vector<std::string>{"events_due", "events_key", "events_unpruned"});
    }

    TEST_CASE("change_time reads back a queued change's time, and only a change's") {
        test_support::TempDir s;
        auto box = outbox::Outbox::open(s.path() / "o.db").value();
        box.enqueue(std::vector<model::Envelope>{
            change("shop", "c1"), {"shop", "test", model::Deployment{"d1", 7, {"c1"}, {}}}});
        CHECK(box.change_time("shop", "c1") == std::optional<model::UnixSeconds>(1602848432));
        CHECK(!box.change_time("other", "c1").has_value());
        CHECK(!box.change_time("shop", "d1").has_value());
        CHECK(!box.change_time("shop", "unknown").has_value());
    }

    TEST_CASE("reopening an outbox takes no write lock, and restores a missing index") {
        test_support::TempDir s;
        const auto path = s.path() / "o.db";
        outbox::Outbox::open(path).value();
        outbox::Database(path).exec("DROP INDEX events_due");
        // Reopening puts the index back.
        auto box = outbox::Outbox::open(path).value();
        outbox::Database db(path);
        auto index =
            db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = 'events_due'");
        CHECK(index.step());
        // Another process writing right now does not hold up an open (a hook's).
        std::atomic<bool> opened{false};
        std::atomic<bool> locked{false};
        std::atomic<bool> releasing{false};
        std::thread writer([&] {
            outbox::Database db(path);
            outbox::Transaction tx(db);
            locked = true;
            for (int i = 0; i < 300 && !opened; ++i) {
                std::this_thread::sleep_for(std::chrono::milliseconds(10));
            }
            releasing = true;
        });
        while (!locked) {
            std::this_thread::yield();
        }
        const bool open = outbox::Outbox::open(path).has_value();
        const bool waited_for_the_writer = releasing;
        opened = true;
        writer.join();
        CHECK(open);
        CHECK(!waited_for_the_writer);
    }

    TEST_CASE("an outbox in an unwritable place is a clear error") {
        const auto result = outbox::Outbox::open("/proc/pulse-agent/outbox.db");
        REQUIRE_FALSE(result.has_value());
        CHECK(result.error().message.find("/proc/pulse-agent") != std::string::npos);
    }
}
