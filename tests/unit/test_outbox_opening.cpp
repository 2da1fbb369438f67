#include "outbox/database.hpp"
#include "outbox/files.hpp"
#include "outbox/outbox.hpp"
#include "temp_dir.hpp"

#include <doctest/doctest.h>
#include <fstream>
#include <sys/stat.h>

namespace {

std::size_t files_in(const std::filesystem::path& folder) {
    return static_cast<std::size_t>(std::distance(std::filesystem::directory_iterator(folder),
                                                  std::filesystem::directory_iterator()));
}

} // namespace

TEST_SUITE("outbox::Outbox opening") {
    TEST_CASE("reading a missing outbox fails and creates nothing") {
        test_support::TempDir dir;
        const auto box = outbox::Outbox::open_read_only(dir.path() / "sub" / "outbox.db");
        REQUIRE_FALSE(box);
        CHECK(box.error().message.find("no outbox at") != std::string::npos);
        CHECK(box.error().message.find("nothing has been queued yet") != std::string::npos);
        CHECK(files_in(dir.path()) == 0);
    }

    TEST_CASE("a reader reads and cannot write") {
        test_support::TempDir dir;
        const auto path = dir.path() / "outbox.db";
        {
            auto box = outbox::Outbox::open(path).value();
            const std::vector<model::Envelope> events = {{"s", "t", model::Change{"c1", 1}}};
            box.enqueue(events);
        }
        auto reader = outbox::Outbox::open_read_only(path).value();
        CHECK(reader.list().size() == 1);
        CHECK_THROWS_AS(reader.set_note("k", "v"), model::Failure);
    }

    TEST_CASE("random bytes are named as a damaged outbox with the commands that help") {
        test_support::TempDir dir;
        const auto path = dir.path() / "outbox.db";
        {
            std::ofstream out(path);
            out << std::string(20000, '\x7f');
        }
        const auto box = outbox::Outbox::open(path);
        REQUIRE_FALSE(box);
        CHECK(box.error().message ==
              "outbox '" + path.string() +
                  "' is damaged (file is not a database); run `pulse-agent outbox check` to see "
                  "what is wrong and `pulse-agent outbox recover` to move it aside and salvage "
                  "its events");
    }

    TEST_CASE("a new outbox is marked with the schema version and vacuums incrementally") {
        test_support::TempDir dir;
        const auto path = dir.path() / "outbox.db";
        auto box = outbox::Outbox::open(path).value();
        outbox::Database db(path);
        auto version = db.prepare("PRAGMA user_version");
        version.step();
        CHECK(version.integer(0) == 1);
        CHECK(box.vacuums_incrementally());
    }

    TEST_CASE("an outbox from before failing_since gets the column when opened") {
        test_support::TempDir dir;
        const auto path = dir.path() / "outbox.db";
        { outbox::Outbox::open(path).value(); }
        outbox::Database(path).exec(
            "ALTER TABLE events DROP COLUMN failing_since; PRAGMA user_version = 0");
        auto box = outbox::Outbox::open(path).value();
        const std::vector<model::Envelope> events = {{"s", "t", model::Change{"c1", 1}}};
        box.enqueue(events);
        box.mark_retry(1, 500, "x", 0);
        CHECK(box.find("s", "change", "c1")->failing_since.has_value());
    }

    TEST_CASE("folders made for an outbox are owner-only whatever the umask") {
        test_support::TempDir dir;
        const auto old = ::umask(0);
        const auto box = outbox::Outbox::open(dir.path() / "a" / "b" / "outbox.db");
        ::umask(old);
        REQUIRE(box);
        for (const auto& folder : {dir.path() / "a", dir.path() / "a" / "b"}) {
            CHECK((std::filesystem::status(folder).permissions() & std::filesystem::perms::all) ==
                  std::filesystem::perms::owner_all);
        }
    }

    TEST_CASE("a symbolic link planted where the outbox goes is not followed") {
        test_support::TempDir dir;
        const auto path = dir.path() / "outbox.db";
        std::filesystem::create_symlink(dir.path() / "victim", path);
        const auto box = outbox::Outbox::open(path);
        REQUIRE_FALSE(box);
        CHECK(box.error().message.find("symbolic link") != std::string::npos);
        CHECK_FALSE(std::filesystem::exists(dir.path() / "victim"));
    }
}
