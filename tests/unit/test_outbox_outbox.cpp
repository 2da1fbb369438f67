#include "outbox/outbox.hpp"
#include "temp_dir.hpp"

#include <cstdlib>
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

namespace {

model::Envelope change(const std::string& system, const std::string& id) {
    return {system, "test", model::Change{id, 1602848432}};
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

    TEST_CASE("due keeps order within a system and skips a system that waits") {
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
        // a1 must be retried later: a2 waits behind it, system b goes on.
        box.mark_retry(due[0].seq, 503, "HTTP 503", now + 60);
        due = box.due(now, 10);
        REQUIRE(due.size() == 2);
        CHECK(due[0].id == "b1");
        CHECK(due[1].id == "b2");
        CHECK(box.counts(now).waiting == 1);
        // Once due again, a1 comes first, with its attempt counted.
        due = box.due(now + 61, 10);
        REQUIRE(due.size() == 4);
        CHECK(due[0].id == "a1");
        CHECK(due[0].attempts == 1);
        CHECK(due[0].last_error == "HTTP 503");
    }

    TEST_CASE("a rejected event keeps its answer and no longer blocks its system") {
        test_support::TempDir s;
        auto box = outbox::Outbox::open(s.path() / "o.db").value();
        const std::vector<model::Envelope> events = {change("a", "a1"), change("a", "a2")};
        box.enqueue(events);
        const auto first = box.due(model::now(), 10).at(0);
        box.mark_rejected(first.seq, 400, "HTTP 400: bad", R"({"error":"bad"})");
        const auto due = box.due(model::now(), 10);
        REQUIRE(due.size() == 1);
        CHECK(due[0].id == "a2");
        const auto parked = box.list(outbox::State::rejected);
        REQUIRE(parked.size() == 1);
        CHECK(parked[0].last_status == 400);
        CHECK(parked[0].response == R"({"error":"bad"})");
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

    TEST_CASE("an outbox in an unwritable place is a clear error") {
        const auto result = outbox::Outbox::open("/proc/pulse-agent/outbox.db");
        REQUIRE_FALSE(result.has_value());
        CHECK(result.error().message.find("/proc/pulse-agent") != std::string::npos);
    }
}
