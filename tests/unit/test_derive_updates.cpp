#include "git_fixture.hpp"

using git_fixture::GitRepo;
using git_fixture::TempDir;

namespace {

constexpr long long k_now = 1800000000;

} // namespace

TEST_SUITE("derive::updates") {
    TEST_CASE("a pushed branch update: new commits are changes timed now") {
        TempDir dir;
        GitRepo repo(dir);
        repo.commit("a");
        const auto before = git_fixture::refs_of(repo);
        const auto old_tip = repo.head();
        repo.commit("b");
        repo.commit("c");
        const auto events = git_fixture::updates_since(repo, before);
        CHECK(events.changes == repo.rev_list("main --not " + old_tip));
        CHECK(events.changes.size() == 2);
        for (const auto& [id, time] : events.change_times) {
            CHECK(time == k_now);
        }
        CHECK(events.deployments.empty());
    }

    TEST_CASE("a created release tag ships what no earlier release shipped") {
        TempDir dir;
        GitRepo repo(dir);
        repo.commit("a");
        repo.tag("v1.0.0", "HEAD", true);
        repo.commit("b");
        const auto before = git_fixture::refs_of(repo);
        repo.commit("c");
        repo.tag("v1.1.0", "HEAD", true);
        const auto tagger_time = repo.time();
        const auto events = git_fixture::updates_since(repo, before);
        CHECK(events.changes == repo.rev_list("main --not main@{1}"));
        CHECK(events.deployments.at("v1.1.0") == repo.rev_list("v1.1.0 --not v1.0.0"));
        CHECK(events.deployments.at("v1.1.0").size() == 2);
        // It ships a change first seen now, so it is not earlier than now.
        CHECK(events.deployment_times.at("v1.1.0") == k_now);
        CHECK(tagger_time < k_now);
    }
}
