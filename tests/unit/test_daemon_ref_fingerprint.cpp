#include "daemon/ref_fingerprint.hpp"
#include "git_fixture.hpp"

#include <doctest/doctest.h>

namespace {

// Fingerprints as if taken now, or a minute from now (past the racy window).
pulse_daemon::RefFingerprint take(const git_fixture::GitRepo& repo) {
    return pulse_daemon::fingerprint_refs(repo.path(), std::time(nullptr));
}
pulse_daemon::RefFingerprint take_later(const git_fixture::GitRepo& repo) {
    return pulse_daemon::fingerprint_refs(repo.path(), std::time(nullptr) + 60);
}

} // namespace

TEST_SUITE("pulse_daemon::fingerprint_refs") {
    TEST_CASE("unchanged refs keep their fingerprint; it vouches once settled") {
        git_fixture::TempDir dir;
        git_fixture::GitRepo repo(dir, "repo.git", true);
        const auto tree = repo.git("mktree", "");
        const auto commit = repo.git("commit-tree -m one " + tree);
        repo.git("update-ref refs/heads/main " + commit);
        const auto fresh = take(repo);
        CHECK(fresh.usable);
        CHECK_FALSE(fresh.settled);
        CHECK_FALSE(pulse_daemon::vouches_unchanged(fresh, take(repo)));
        const auto settled = take_later(repo);
        CHECK(settled.settled);
        CHECK(settled.hash == fresh.hash);
        CHECK(pulse_daemon::vouches_unchanged(settled, take_later(repo)));
    }

    TEST_CASE("every way git changes refs changes it") {
        git_fixture::TempDir dir;
        git_fixture::GitRepo repo(dir, "work");
        const auto first = repo.commit("one");
        const auto second = repo.commit("two");
        repo.git("branch team/topic " + first);
        repo.tag("v1.0.0", first, true);
        const auto before = take_later(repo);
        SUBCASE("a branch moves") {
            repo.git("update-ref refs/heads/main " + first);
        }
        SUBCASE("a nested branch moves") {
            repo.git("branch -f team/topic " + second);
        }
        SUBCASE("a tag is created") {
            repo.tag("v1.1.0", second);
        }
        SUBCASE("a branch is deleted") {
            repo.git("branch -D team/topic");
        }
        SUBCASE("refs are packed") {
            repo.git("pack-refs --all");
        }
        SUBCASE("a packed ref is deleted") {
            repo.git("pack-refs --all");
            const auto packed = take_later(repo);
            repo.git("tag -d v1.0.0");
            CHECK_FALSE(pulse_daemon::vouches_unchanged(packed, take_later(repo)));
        }
        CHECK_FALSE(pulse_daemon::vouches_unchanged(before, take_later(repo)));
    }

    TEST_CASE("a layout it does not understand is never trusted") {
        git_fixture::TempDir dir;
        git_fixture::GitRepo repo(dir, "repo.git", true);
        std::filesystem::create_directories(repo.path() / "reftable");
        CHECK_FALSE(take_later(repo).usable);
        CHECK_FALSE(
            pulse_daemon::fingerprint_refs(dir.path() / "missing", std::time(nullptr)).usable);
    }
}
