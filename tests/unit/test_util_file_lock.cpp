#include "git_fixture.hpp"
#include "util/file_lock.hpp"

#include <doctest/doctest.h>
#include <fstream>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

} // namespace

TEST_SUITE("util::FileLock") {
    TEST_CASE("one holder at a time; the second is told who holds it") {
        git_fixture::TempDir dir;
        const auto path = dir.path() / "sub" / "outbox.db.watch.lock";
        CHECK_FALSE(util::FileLock::holder(path).has_value());
        {
            auto first = util::FileLock::acquire_recording_pid(path, 0ms);
            REQUIRE(first.has_value());
            const auto folder = std::filesystem::status(path.parent_path()).permissions();
            CHECK((folder & std::filesystem::perms::all) == std::filesystem::perms::owner_all);
            CHECK(util::FileLock::holder(path) == ::getpid());
            // flock locks belong to the open file, so a second open in this
            // process conflicts like another process would.
            const auto second = util::FileLock::acquire_recording_pid(path, 0ms);
            REQUIRE_FALSE(second.has_value());
            CHECK(second.error().held);
            CHECK(second.error().holder == ::getpid());
            CHECK(second.error().message.find("pid " + std::to_string(::getpid())) !=
                  std::string::npos);
            CHECK(second.error().message.find(path.string()) != std::string::npos);
        }
        CHECK_FALSE(util::FileLock::holder(path).has_value());
        CHECK(util::FileLock::acquire_recording_pid(path, 0ms).has_value());
    }

    TEST_CASE("a lock taken without recording a pid has a holder without one") {
        git_fixture::TempDir dir;
        const auto path = dir.path() / "outbox.db.deliver.lock";
        auto lock = util::FileLock::acquire(path, 0ms);
        REQUIRE(lock.has_value());
        CHECK(util::FileLock::holder(path) == 0);
        const auto second = util::FileLock::acquire(path, 0ms);
        REQUIRE_FALSE(second.has_value());
        CHECK(second.error().held);
        CHECK_FALSE(second.error().holder.has_value());
        CHECK(second.error().message.find("another process") != std::string::npos);
    }

    TEST_CASE("acquire waits as long as it is told, and no longer") {
        git_fixture::TempDir dir;
        const auto path = dir.path() / "outbox.db.derive.lock";
        auto held = util::FileLock::acquire(path, 0ms);
        REQUIRE(held.has_value());

        SUBCASE("the holder keeps it: the wait ends in failure") {
            const auto start = Clock::now();
            const auto second = util::FileLock::acquire(path, 200ms);
            const auto waited = Clock::now() - start;
            REQUIRE_FALSE(second.has_value());
            CHECK(second.error().held);
            CHECK(waited >= 200ms);
            CHECK(waited < 2s);
        }

        SUBCASE("the holder lets go during the wait: the lock is taken then") {
            std::thread releaser([lock = std::move(*held)]() mutable {
                std::this_thread::sleep_for(150ms);
                [[maybe_unused]] const auto released = std::move(lock);
            });
            const auto start = Clock::now();
            const auto second = util::FileLock::acquire(path, 10s);
            const auto waited = Clock::now() - start;
            releaser.join();
            CHECK(second.has_value());
            CHECK(waited >= 100ms);
            CHECK(waited < 5s);
        }
    }

    TEST_CASE("a moved lock is held by its new owner until that one lets go") {
        git_fixture::TempDir dir;
        const auto path = dir.path() / "outbox.db.deliver.lock";
        auto first = util::FileLock::acquire(path, 0ms);
        REQUIRE(first.has_value());
        {
            util::FileLock moved(std::move(*first));
            CHECK(util::FileLock::holder(path).has_value());
            auto other = util::FileLock::acquire(dir.path() / "other.lock", 0ms);
            REQUIRE(other.has_value());
            // Assigning releases the lock it held before.
            moved = std::move(*other);
            CHECK_FALSE(util::FileLock::holder(path).has_value());
            CHECK(util::FileLock::holder(dir.path() / "other.lock").has_value());
        }
        CHECK_FALSE(util::FileLock::holder(dir.path() / "other.lock").has_value());
    }

    TEST_CASE("a lock file that cannot be opened is an error, not a holder") {
        git_fixture::TempDir dir;
        std::ofstream(dir.path() / "file") << "not a folder\n";
        const auto failed = util::FileLock::acquire(dir.path() / "file" / "x.lock", 0ms);
        REQUIRE_FALSE(failed.has_value());
        CHECK_FALSE(failed.error().held);
        CHECK(failed.error().message.find("opening lock file") != std::string::npos);
    }

    TEST_CASE("the folders made for a lock are owner-only whatever the umask") {
        git_fixture::TempDir dir;
        const auto old = ::umask(0);
        const auto lock = util::FileLock::acquire(dir.path() / "a" / "b" / "x.lock", 0ms);
        ::umask(old);
        REQUIRE(lock.has_value());
        for (const auto& folder : {dir.path() / "a", dir.path() / "a" / "b"}) {
            CHECK((std::filesystem::status(folder).permissions() & std::filesystem::perms::all) ==
                  std::filesystem::perms::owner_all);
        }
    }

    TEST_CASE("a symbolic link planted where the lock goes is not followed") {
        git_fixture::TempDir dir;
        std::filesystem::create_symlink(dir.path() / "victim", dir.path() / "x.lock");
        const auto lock = util::FileLock::acquire(dir.path() / "x.lock", 0ms);
        CHECK_FALSE(lock.has_value());
        CHECK_FALSE(std::filesystem::exists(dir.path() / "victim"));
    }
}
