#include "git/repository.hpp"
#include "git/trust.hpp"
#include "git_fixture.hpp"

#include <doctest/doctest.h>
#include <unistd.h>

namespace {

constexpr uid_t k_other = 65534;

// Give the whole repository to another user, as a server's `git` user owns
// the repositories the service reads.
void give_away(const std::filesystem::path& path) {
    REQUIRE_MESSAGE(::geteuid() == 0, "the test changes file owners, as root does");
    for (const auto& item : std::filesystem::recursive_directory_iterator(path)) {
        REQUIRE(::lchown(item.path().c_str(), k_other, k_other) == 0);
    }
    REQUIRE(::chown(path.c_str(), k_other, k_other) == 0);
}

// Trust nobody again when the test ends: trust is process-wide.
struct TrustReset {
    ~TrustReset() { git::trust_owners({}); }
};

} // namespace

TEST_SUITE("git::trust") {
    TEST_CASE("another user's repository opens only when its owner is trusted") {
        test_support::TempDir dir;
        git_fixture::GitRepo repo(dir, "shop.git", true);
        give_away(repo.path());
        const TrustReset reset;

        const auto refused = git::Repository::open(repo.path());
        REQUIRE_FALSE(refused.has_value());
        CHECK(refused.error().message.find("trusted_owners") != std::string::npos);

        git::trust_owners({.users = {k_other}, .everyone = false});
        CHECK(git::is_trusted(repo.path()));
        CHECK(git::Repository::open(repo.path()).has_value());

        git::trust_owners({.users = {k_other + 1}, .everyone = false});
        CHECK_FALSE(git::is_trusted(repo.path()));
        CHECK_FALSE(git::Repository::open(repo.path()).has_value());

        git::trust_owners({.users = {}, .everyone = true});
        CHECK(git::Repository::open(repo.path()).has_value());
    }

    TEST_CASE("trusting one repository leaves the check on for the next") {
        test_support::TempDir dir;
        git_fixture::GitRepo trusted_repo(dir, "a.git", true);
        git_fixture::GitRepo other_repo(dir, "b.git", true);
        give_away(trusted_repo.path());
        give_away(other_repo.path());
        REQUIRE(::chown(other_repo.path().c_str(), k_other + 1, k_other + 1) == 0);
        const TrustReset reset;
        git::trust_owners({.users = {k_other}, .everyone = false});
        CHECK(git::Repository::open(trusted_repo.path()).has_value());
        CHECK_FALSE(git::Repository::open(other_repo.path()).has_value());
    }
}
