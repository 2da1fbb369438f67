#include "outbox/files.hpp"
#include "outbox/first_load.hpp"
#include "temp_dir.hpp"

#include <doctest/doctest.h>
#include <sys/stat.h>

namespace {

std::vector<model::Event> changes(std::size_t count) {
    std::vector<model::Event> events;
    for (std::size_t i = 0; i < count; ++i) {
        events.push_back(model::Change{"c" + std::to_string(i), 1602848432});
    }
    return events;
}

std::size_t files_in(const std::filesystem::path& folder) {
    std::size_t n = 0;
    for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(folder)) {
        ++n;
    }
    return n;
}

} // namespace

TEST_SUITE("outbox::create_with_events") {
    TEST_CASE("a new outbox holds the events in order, owner-only, in WAL mode") {
        test_support::TempDir s;
        const auto path = s.path() / "state" / "outbox.db";
        const auto events = changes(5000);
        std::size_t reported = 0;
        const auto result = outbox::create_with_events(path, "shop", "git-backfill", events,
                                                       [&](std::size_t done) { reported = done; });
        REQUIRE(result.has_value());
        CHECK(result->queued == 5000);
        CHECK(reported == 5000);
        struct stat st {};
        REQUIRE(::stat(path.c_str(), &st) == 0);
        CHECK((st.st_mode & 0777) == 0600);
        // No temporary file left: the outbox and the lock of its creation.
        CHECK(files_in(s.path() / "state") == 2);
        CHECK(std::filesystem::exists(outbox::create_lock_path(path)));
        auto box = outbox::Outbox::open(path).value();
        {
            outbox::Database db(path);
            auto mode = db.prepare("PRAGMA journal_mode");
            REQUIRE(mode.step());
            CHECK(mode.text(0) == "wal");
        }
        const auto records = box.list();
        REQUIRE(records.size() == 5000);
        CHECK(records.front().id == "c0");
        CHECK(records.back().id == "c4999");
        CHECK(records.front().environment == "git-backfill");
        // Keyed as every outbox is: the same events again are all duplicates.
        const auto again = box.enqueue(
            std::vector<model::Envelope>{{"shop", "git-backfill", model::Change{"c42", 1}}});
        CHECK(again.duplicates == 1);
    }

    TEST_CASE("an existing outbox is left alone, and nothing else is written") {
        test_support::TempDir s;
        const auto path = s.path() / "outbox.db";
        outbox::Outbox::open(path).value().enqueue(
            std::vector<model::Envelope>{{"shop", "test", model::Change{"old", 1}}});
        const auto events = changes(10);
        CHECK(!outbox::create_with_events(path, "shop", "git-backfill", events).has_value());
        auto box = outbox::Outbox::open(path).value();
        CHECK(box.list().size() == 1);
        for (const auto& entry : std::filesystem::directory_iterator(s.path())) {
            CHECK(entry.path().string().find(".new-") == std::string::npos);
        }
    }

    TEST_CASE("a key repeated in the events is queued once") {
        test_support::TempDir s;
        auto events = changes(4500);
        events.push_back(model::Change{"c7", 99});
        const auto result = outbox::create_with_events(s.path() / "o.db", "shop", "x", events);
        REQUIRE(result.has_value());
        CHECK(result->queued == 4500);
        CHECK(result->duplicates == 1);
        CHECK(outbox::Outbox::open(s.path() / "o.db").value().list().size() == 4500);
    }
}
