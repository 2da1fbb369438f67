#include "outbox/creation.hpp"
#include "outbox/files.hpp"
#include "outbox/first_load.hpp"
#include "outbox/outbox.hpp"
#include "temp_dir.hpp"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <fstream>
#include <sstream>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

namespace {

model::Envelope change(const std::string& id) {
    return {"shop", "test", model::Change{id, 1602848432}};
}

std::vector<std::string> ids(outbox::Outbox& box) {
    std::vector<std::string> result;
    for (const auto& record : box.list()) {
        result.push_back(record.id);
    }
    return result;
}

std::string contents(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

void write_file(const std::filesystem::path& path, const std::string& text) {
    std::ofstream(path, std::ios::binary) << text;
}

// Queue "old1" into a new outbox at `path`, then remove the outbox file the
// way `rm outbox.db` does: its WAL, which alone holds the event, and its
// index stay. Return the WAL's bytes.
std::string leave_orphans(const std::filesystem::path& path) {
    outbox::Outbox::open(path).value().enqueue(std::vector{change("old1")});
    REQUIRE(std::filesystem::exists(outbox::wal_path(path)));
    REQUIRE(std::filesystem::exists(outbox::shm_path(path)));
    const auto wal = contents(outbox::wal_path(path));
    std::filesystem::remove(path);
    return wal;
}

// Return the files beside the outbox, named from it, whose names contain `part`.
std::vector<std::filesystem::path> files_named(const std::filesystem::path& path,
                                               const std::string& part) {
    std::vector<std::filesystem::path> found;
    for (const auto& entry : std::filesystem::directory_iterator(path.parent_path())) {
        const auto name = entry.path().filename().string();
        if (name.starts_with(path.filename().string()) && name.find(part) != std::string::npos) {
            found.push_back(entry.path());
        }
    }
    std::sort(found.begin(), found.end());
    return found;
}

std::vector<model::Event> changes(std::size_t count) {
    std::vector<model::Event> events;
    for (std::size_t i = 0; i < count; ++i) {
        events.push_back(model::Change{"c" + std::to_string(i), 1602848432});
    }
    return events;
}

// Run `count` processes that each open the outbox at `path` and queue one
// change, all let go at once; return how many succeeded.
int open_at_once(const std::filesystem::path& path, int count) {
    int gate[2];
    REQUIRE(::pipe(gate) == 0);
    std::vector<pid_t> children;
    for (int i = 0; i < count; ++i) {
        const pid_t pid = ::fork();
        if (pid == 0) {
            ::close(gate[1]);
            char byte;
            [[maybe_unused]] auto n = ::read(gate[0], &byte, 1);
            try {
                outbox::Outbox::open(path).value().enqueue(
                    std::vector{change("p" + std::to_string(i))});
                ::_exit(0);
            } catch (...) {
                ::_exit(1);
            }
        }
        children.push_back(pid);
    }
    ::close(gate[0]);
    ::close(gate[1]);
    int succeeded = 0;
    for (const auto pid : children) {
        int status = 0;
        ::waitpid(pid, &status, 0);
        succeeded += WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 1 : 0;
    }
    return succeeded;
}

// An open file holding an flock, as a first load holds its temporary.
struct HeldLock {
    explicit HeldLock(const std::filesystem::path& path)
        : fd(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600)) {
        REQUIRE(fd >= 0);
        REQUIRE(::flock(fd, LOCK_EX) == 0);
    }
    ~HeldLock() { ::close(fd); }
    int fd;
};

} // namespace

TEST_SUITE("outbox::creation") {
    TEST_CASE("a WAL and index without their outbox are moved aside when it is opened") {
        test_support::TempDir dir;
        const auto path = dir.path() / "outbox.db";
        const auto old_wal = leave_orphans(path);
        {
            auto box = outbox::Outbox::open(path).value();
            CHECK(box.list().empty());
            box.enqueue(std::vector{change("new1")});
        }
        auto box = outbox::Outbox::open(path).value();
        CHECK(ids(box) == std::vector<std::string>{"new1"});
        const auto moved = files_named(path, ".orphan-");
        REQUIRE(moved.size() == 2);
        CHECK(moved[0].filename().string().starts_with("outbox.db-shm.orphan-"));
        CHECK(moved[1].filename().string().starts_with("outbox.db-wal.orphan-"));
        CHECK(contents(moved[1]) == old_wal);
    }

    TEST_CASE("a first load into a removed outbox keeps its events, not the old WAL's") {
        test_support::TempDir dir;
        const auto path = dir.path() / "outbox.db";
        const auto old_wal = leave_orphans(path);
        const auto result = outbox::create_with_events(path, "shop", "git-backfill", changes(4));
        REQUIRE(result.has_value());
        CHECK(result->queued == 4);
        auto box = outbox::Outbox::open(path).value();
        CHECK(ids(box) == std::vector<std::string>{"c0", "c1", "c2", "c3"});
        CHECK(box.enqueue_history("shop", "git-backfill", changes(4)).duplicates == 4);
        const auto moved = files_named(path, "-wal.orphan-");
        REQUIRE(moved.size() == 1);
        CHECK(contents(moved[0]) == old_wal);
    }

    TEST_CASE("an orphan name taken already is not overwritten") {
        test_support::TempDir dir;
        const auto path = dir.path() / "outbox.db";
        leave_orphans(path);
        const auto now = std::to_string(model::now());
        for (const auto& taken : {now, std::to_string(model::now() + 1)}) {
            write_file(outbox::wal_path(path).string() + ".orphan-" + taken, "earlier");
        }
        outbox::Outbox::open(path).value();
        const auto moved = files_named(path, "-wal.orphan-");
        REQUIRE(moved.size() == 3);
        std::size_t earlier = 0;
        for (const auto& file : moved) {
            earlier += contents(file) == "earlier" ? 1 : 0;
        }
        CHECK(earlier == 2);
    }

    TEST_CASE("the WAL of an existing outbox is never taken for an orphan") {
        test_support::TempDir dir;
        const auto path = dir.path() / "outbox.db";
        auto first = outbox::Outbox::open(path).value();
        first.enqueue(std::vector{change("a1")});
        auto second = outbox::Outbox::open(path).value();
        second.enqueue(std::vector{change("a2")});
        CHECK(ids(first) == std::vector<std::string>{"a1", "a2"});
        CHECK(files_named(path, "orphan").empty());
    }

    TEST_CASE("processes creating one outbox at once lose no event and move no live WAL") {
        test_support::TempDir dir;
        for (int round = 0; round < 4; ++round) {
            CAPTURE(round);
            const auto path = dir.path() / ("outbox" + std::to_string(round) + ".db");
            if (round % 2 == 1) {
                leave_orphans(path);
            }
            REQUIRE(open_at_once(path, 6) == 6);
            auto box = outbox::Outbox::open(path).value();
            CHECK(box.list().size() == 6);
            CHECK(files_named(path, "orphan").size() == (round % 2 == 1 ? 2u : 0u));
        }
    }

    TEST_CASE("a dead first load's temporary is removed when the outbox is opened") {
        test_support::TempDir dir;
        const auto path = dir.path() / "outbox.db";
        outbox::Outbox::open(path).value();
        const auto stray = path.string() + ".new-1";
        write_file(stray, std::string(4096, '\0'));
        write_file(stray + "-wal", "wal");
        write_file(stray + "-journal", "journal");
        outbox::Outbox::open(path).value();
        CHECK(files_named(path, ".new-").empty());
        CHECK(std::filesystem::exists(path));
    }

    TEST_CASE("a first load's temporary whose builder holds its lock is kept") {
        test_support::TempDir dir;
        const auto path = dir.path() / "outbox.db";
        const auto live = path.string() + ".new-7";
        HeldLock builder(live);
        outbox::Outbox::open(path).value();
        CHECK(std::filesystem::exists(live));
    }

    TEST_CASE("a temporary name in use, even this process's pid, does not stop a first load") {
        test_support::TempDir dir;
        const auto path = dir.path() / "outbox.db";
        const auto taken = path.string() + ".new-" + std::to_string(::getpid());
        SUBCASE("left by a dead process: removed") {
            write_file(taken, "stale");
            REQUIRE(outbox::create_with_events(path, "shop", "x", changes(3)).has_value());
            CHECK(files_named(path, ".new-").empty());
        }
        SUBCASE("held by a live one: kept") {
            HeldLock builder(taken);
            REQUIRE(outbox::create_with_events(path, "shop", "x", changes(3)).has_value());
            CHECK(files_named(path, ".new-") == std::vector<std::filesystem::path>{taken});
        }
        CHECK(outbox::Outbox::open(path).value().list().size() == 3);
    }

    TEST_CASE("a temporary has a name of its own, is owner-only, locked, and removed with it") {
        test_support::TempDir dir;
        const auto path = dir.path() / "state" / "outbox.db";
        std::filesystem::path first_path;
        {
            auto first = outbox::TemporaryFile::create(path).value();
            auto second = outbox::TemporaryFile::create(path).value();
            first_path = first.path();
            CHECK(first.path() != second.path());
            CHECK(outbox::is_temporary(path, first.path()));
            struct stat st {};
            REQUIRE(::stat(first.path().c_str(), &st) == 0);
            CHECK((st.st_mode & 0777) == 0600);
            const int fd = ::open(first.path().c_str(), O_RDONLY | O_CLOEXEC);
            CHECK(::flock(fd, LOCK_EX | LOCK_NB) != 0);
            ::close(fd);
            outbox::remove_dead_temporaries(path);
            CHECK(files_named(path, ".new-").size() == 2);
        }
        CHECK_FALSE(std::filesystem::exists(first_path));
        CHECK(files_named(path, ".new-").empty());
    }

    TEST_CASE("create_once leaves an existing outbox and the files beside it alone") {
        test_support::TempDir dir;
        const auto path = dir.path() / "outbox.db";
        auto box = outbox::Outbox::open(path).value();
        box.enqueue(std::vector{change("a1")});
        bool placed = false;
        const auto created = outbox::create_once(path, [&]() -> model::Expected<bool> {
            placed = true;
            return true;
        });
        REQUIRE(created.has_value());
        CHECK_FALSE(*created);
        CHECK_FALSE(placed);
        CHECK(std::filesystem::exists(outbox::wal_path(path)));
        CHECK(files_named(path, "orphan").empty());
    }
}
