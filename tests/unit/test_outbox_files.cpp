#include "outbox/files.hpp"
#include "outbox/outbox.hpp"
#include "temp_dir.hpp"

#include <doctest/doctest.h>
#include <set>

TEST_SUITE("outbox::files") {
    TEST_CASE("the names running installations, docs and scripts rely on") {
        // Changing one strands a running daemon's lock or an admin's log.
        const std::filesystem::path box = "/var/lib/pulse-agent/outbox.db";
        CHECK(outbox::delivery_lock_path(box) == "/var/lib/pulse-agent/outbox.db.deliver.lock");
        CHECK(outbox::derive_lock_path(box) == "/var/lib/pulse-agent/outbox.db.derive.lock");
        CHECK(outbox::state_lock_path(box) == "/var/lib/pulse-agent/outbox.db.watch.lock");
        CHECK(outbox::hook_log_path(box) == "/var/lib/pulse-agent/outbox.db.hook.log");
    }

    TEST_CASE("every file lies beside the outbox and no two are the same") {
        const std::filesystem::path box = "relative/o.db";
        const std::set<std::filesystem::path> paths = {
            outbox::delivery_lock_path(box), outbox::derive_lock_path(box),
            outbox::state_lock_path(box),    outbox::hook_log_path(box),
            outbox::wal_path(box),           outbox::shm_path(box),
            outbox::journal_path(box),       outbox::create_lock_path(box),
            outbox::temporary_template(box), outbox::orphan_path(outbox::wal_path(box), 5, 0)};
        CHECK(paths.size() == 10);
        for (const auto& path : paths) {
            CHECK(path.parent_path() == box.parent_path());
            CHECK(path.filename().string().starts_with("o.db"));
        }
    }

    TEST_CASE("a first load's temporary is told from its journals and other files") {
        const std::filesystem::path box = "/var/lib/pulse-agent/outbox.db";
        CHECK(outbox::temporary_template(box) == "/var/lib/pulse-agent/outbox.db.new-XXXXXX");
        CHECK(outbox::is_temporary(box, "/var/lib/pulse-agent/outbox.db.new-Ab3xZ9"));
        CHECK(outbox::is_temporary(box, "outbox.db.new-1")); // as earlier versions named them
        CHECK_FALSE(outbox::is_temporary(box, "outbox.db.new-Ab3xZ9-wal"));
        CHECK_FALSE(outbox::is_temporary(box, "outbox.db.new-"));
        CHECK_FALSE(outbox::is_temporary(box, "outbox.db"));
        CHECK_FALSE(outbox::is_temporary(box, "other.db.new-Ab3xZ9"));
        CHECK_FALSE(outbox::is_temporary(box, "outbox.db.deliver.lock"));
    }

    TEST_CASE("an orphan keeps its name, the time, and an attempt when the name is taken") {
        const std::filesystem::path wal = "/s/outbox.db-wal";
        CHECK(outbox::orphan_path(wal, 1700000000, 0) == "/s/outbox.db-wal.orphan-1700000000");
        CHECK(outbox::orphan_path(wal, 1700000000, 2) == "/s/outbox.db-wal.orphan-1700000000-2");
    }

    TEST_CASE("the write-ahead log and its index are the files SQLite makes") {
        test_support::TempDir dir;
        const auto path = dir.path() / "o.db";
        REQUIRE_FALSE(std::filesystem::exists(outbox::wal_path(path)));
        auto box = outbox::Outbox::open(path).value();
        box.enqueue(std::vector<model::Envelope>{{"a", "test", model::Change{"c1", 1602848432}}});
        CHECK(std::filesystem::exists(outbox::wal_path(path)));
        CHECK(std::filesystem::exists(outbox::shm_path(path)));
    }
}
