#include "daemon/state_lock.hpp"
#include "git_fixture.hpp"

#include <doctest/doctest.h>
#include <unistd.h>

TEST_SUITE("pulse_daemon::StateLock") {
    TEST_CASE("one holder at a time; the second is told who holds it") {
        git_fixture::TempDir dir;
        const auto state = dir.path() / "sub" / "outbox.db";
        CHECK_FALSE(pulse_daemon::StateLock::holder(state).has_value());
        {
            auto first = pulse_daemon::StateLock::acquire(state);
            REQUIRE(first.has_value());
            const auto folder = std::filesystem::status(state.parent_path()).permissions();
            CHECK((folder & std::filesystem::perms::all) == std::filesystem::perms::owner_all);
            CHECK(pulse_daemon::StateLock::holder(state) == ::getpid());
            // flock locks belong to the open file, so a second open in this
            // process conflicts like another process would.
            const auto second = pulse_daemon::StateLock::acquire(state);
            REQUIRE_FALSE(second.has_value());
            CHECK(second.error().message.find("pid " + std::to_string(::getpid())) !=
                  std::string::npos);
            CHECK(second.error().message.find("already running") != std::string::npos);
        }
        CHECK_FALSE(pulse_daemon::StateLock::holder(state).has_value());
        CHECK(pulse_daemon::StateLock::acquire(state).has_value());
    }
}
