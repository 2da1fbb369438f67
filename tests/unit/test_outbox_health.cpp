#include "outbox/database.hpp"
#include "outbox/files.hpp"
#include "outbox/health.hpp"
#include "outbox/outbox.hpp"
#include "temp_dir.hpp"

#include <algorithm>
#include <doctest/doctest.h>
#include <fstream>

namespace {

std::vector<model::Envelope> changes(int count) {
    std::vector<model::Envelope> events;
    for (int i = 0; i < count; ++i) {
        events.push_back({"s", "test", model::Change{"c" + std::to_string(i), 1602848432}});
    }
    return events;
}

bool mentions(const outbox::Checkup& checkup, const std::string& text) {
    return std::any_of(checkup.problems.begin(), checkup.problems.end(),
                       [&](const std::string& p) { return p.find(text) != std::string::npos; });
}

} // namespace

TEST_SUITE("outbox::health") {
    TEST_CASE("a sound outbox passes, at today's schema version") {
        test_support::TempDir dir;
        const auto path = dir.path() / "outbox.db";
        outbox::Outbox::open(path).value().enqueue(changes(3));
        const auto checkup = outbox::check(path);
        CHECK(checkup.problems.empty());
        CHECK(checkup.schema_version == 1);
    }

    TEST_CASE("a missing index, a missing column and a newer version are problems") {
        test_support::TempDir dir;
        const auto path = dir.path() / "outbox.db";
        { outbox::Outbox::open(path).value(); }
        SUBCASE("index") {
            outbox::Database(path).exec("DROP INDEX events_due");
            CHECK(mentions(outbox::check(path), "missing table or index 'events_due'"));
        }
        SUBCASE("column") {
            outbox::Database(path).exec("ALTER TABLE notes DROP COLUMN value");
            CHECK(mentions(outbox::check(path), "table 'notes' has no column 'value'"));
        }
        SUBCASE("version") {
            outbox::Database(path).exec("PRAGMA user_version = 7");
            const auto checkup = outbox::check(path);
            CHECK(checkup.schema_version == 7);
            CHECK(mentions(checkup, "schema version 7 is newer"));
        }
        SUBCASE("no file") {
            CHECK(mentions(outbox::check(dir.path() / "none.db"), "no outbox at"));
            CHECK_FALSE(std::filesystem::exists(dir.path() / "none.db"));
        }
    }

    TEST_CASE("recover moves the file aside with its WAL and copies every row") {
        test_support::TempDir dir;
        const auto path = dir.path() / "outbox.db";
        {
            auto box = outbox::Outbox::open(path).value();
            box.enqueue(changes(50));
            box.set_note("n", "v");
        }
        const auto salvage = outbox::recover(path).value();
        CHECK(salvage.lost == 0);
        CHECK(salvage.salvaged == 51);
        CHECK(salvage.moved_to.filename().string().starts_with("outbox.db.corrupt-"));
        CHECK(std::filesystem::exists(outbox::wal_path(salvage.moved_to)));
        auto box = outbox::Outbox::open(path).value();
        CHECK(box.list().size() == 50);
        CHECK(box.note("n") == "v");
        CHECK(box.find("s", "change", "c49"));
    }

    TEST_CASE("recover of a file that is no database salvages nothing and says it cannot tell") {
        test_support::TempDir dir;
        const auto path = dir.path() / "outbox.db";
        {
            std::ofstream out(path);
            out << std::string(5000, 'x');
        }
        const auto salvage = outbox::recover(path).value();
        CHECK(salvage.salvaged == 0);
        CHECK_FALSE(salvage.lost.has_value());
        CHECK(std::filesystem::file_size(salvage.moved_to) == 5000);
        CHECK(outbox::check(path).problems.empty());
    }
}
