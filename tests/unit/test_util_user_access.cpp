#include "temp_dir.hpp"
#include "util/user_access.hpp"

#include <algorithm>
#include <doctest/doctest.h>
#include <fstream>
#include <unistd.h>

namespace {

namespace fs = std::filesystem;

// Write a file with the given mode; return its path.
fs::path file_with_mode(const fs::path& folder, fs::perms mode) {
    const auto path = folder / "key";
    std::ofstream(path) << "secret\n";
    fs::permissions(path, mode);
    return path;
}

} // namespace

TEST_SUITE("util::user_access") {
    TEST_CASE("a user is found with its groups; an unknown one is an error") {
        const auto nobody = util::find_account("nobody");
        REQUIRE(nobody.has_value());
        CHECK(nobody->name == "nobody");
        CHECK(nobody->uid != 0);
        CHECK(std::find(nobody->groups.begin(), nobody->groups.end(), nobody->gid) !=
              nobody->groups.end());
        const auto missing = util::find_account("no-such-user-pulse");
        REQUIRE_FALSE(missing.has_value());
        CHECK(missing.error() == "no user 'no-such-user-pulse' on this system");
    }

    TEST_CASE("this process reads as itself") {
        test_support::TempDir dir;
        const auto me = util::current_account();
        CHECK(me.uid == ::geteuid());
        CHECK(util::can_act_as(me));
        const auto path = file_with_mode(dir.path(), fs::perms::owner_read);
        CHECK(util::read_as(path, me).has_value());
        const auto missing = util::read_as(dir.path() / "missing", me);
        REQUIRE_FALSE(missing.has_value());
        CHECK(missing.error() == "No such file or directory");
        // A folder opens, but does not read: a key file must be a file.
        CHECK(util::read_as(dir.path(), me).error() == "Is a directory");
    }

    TEST_CASE("another user is judged by the kernel: mode, folders and groups") {
        test_support::TempDir dir;
        const auto nobody = util::find_account("nobody").value();
        if (::geteuid() != 0) {
            CHECK_FALSE(util::can_act_as(nobody));
            CHECK(util::read_as(dir.path(), nobody).error() ==
                  "only root can act as user 'nobody'");
            return;
        }
        using fs::perms;
        const auto path = file_with_mode(dir.path(), perms::owner_read | perms::owner_write);
        fs::permissions(dir.path(), perms::owner_all | perms::group_exec | perms::others_exec);
        CHECK(util::read_as(path, nobody).error() == "Permission denied");
        SUBCASE("readable by others, but behind a folder it cannot enter") {
            fs::permissions(path, perms::owner_read | perms::others_read);
            fs::permissions(dir.path(), perms::owner_all);
            CHECK(util::read_as(path, nobody).error() == "Permission denied");
        }
        SUBCASE("readable by its group, which the user is in") {
            REQUIRE(::chown(path.c_str(), 0, nobody.gid) == 0);
            fs::permissions(path, perms::owner_read | perms::group_read);
            CHECK(util::read_as(path, nobody).has_value());
        }
        SUBCASE("readable by others") {
            fs::permissions(path, perms::owner_read | perms::others_read);
            CHECK(util::read_as(path, nobody).has_value());
        }
    }
}
