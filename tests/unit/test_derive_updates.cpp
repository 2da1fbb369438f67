#include "git_fixture.hpp"
#include "pipeline/repository_history.hpp"

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

namespace {

derive::Policy branch_strategy(const std::string& branch = "main") {
    derive::Policy policy;
    policy.strategy = derive::Strategy::branch;
    policy.deploy_branch = branch;
    return policy;
}

} // namespace

TEST_SUITE("derive::updates") {
    TEST_CASE("branch creation: only commits no tracked ref had are new") {
        TempDir dir;
        GitRepo repo(dir);
        repo.commit("a");
        const auto before = git_fixture::refs_of(repo);
        SUBCASE("at an existing commit") {
            repo.git("branch copy");
            const auto events = git_fixture::updates_since(repo, before);
            CHECK(events.changes.empty());
            CHECK(events.order.empty());
        }
        SUBCASE("with new commits") {
            repo.checkout("topic", "HEAD");
            const auto b = repo.commit("b");
            const auto events = git_fixture::updates_since(repo, before);
            CHECK(events.changes == std::set<std::string>{b});
        }
    }

    TEST_CASE("a forced update reports only the rewritten commits") {
        TempDir dir;
        GitRepo repo(dir);
        const auto a = repo.commit("a");
        repo.commit("b");
        repo.commit("c");
        const auto before = git_fixture::refs_of(repo);
        repo.git("reset -q --hard " + a);
        const auto b2 = repo.commit("b rewritten");
        const auto events = git_fixture::updates_since(repo, before);
        CHECK(events.changes == std::set<std::string>{b2});
    }

    TEST_CASE("deletions report nothing; a deleted or moved release tag is noted once") {
        TempDir dir;
        GitRepo repo(dir);
        repo.commit("a");
        repo.tag("v1.0.0", "HEAD", true);
        repo.tag("v1.1.0", "HEAD", true);
        repo.git("branch old");
        repo.commit("b");
        const auto before = git_fixture::refs_of(repo);
        repo.git("branch -D old");
        repo.git("tag -d v1.0.0");
        repo.git("tag -f v1.1.0 HEAD");
        auto opened = git_fixture::open(repo);
        const auto after = git_fixture::refs_of(repo);
        pipeline::RepositoryHistory history(opened);
        auto derived = derive::updates(before, derive::diff_refs(before, after), history,
                                       *derive::make_policy({}), k_now);
        REQUIRE(derived.has_value());
        CHECK(derived->events.empty());
        REQUIRE(derived->summary.notes.size() == 2);
        CHECK(derived->summary.notes[0].find("'v1.0.0' deleted") != std::string::npos);
        CHECK(derived->summary.notes[1].find("'v1.1.0' moved") != std::string::npos);
    }

    TEST_CASE("tag creation: lightweight at now, annotated and nested at the outer tagger time") {
        TempDir dir;
        GitRepo repo(dir);
        repo.commit("a");
        repo.tag("v1.0.0", "HEAD", true);
        repo.commit("b");
        const auto before = git_fixture::refs_of(repo);
        repo.tag("inner", "HEAD", true);
        repo.tag("v1.1.0", "inner", true);
        const auto outer_time = repo.time();
        repo.tag("v1.1.1", "HEAD");
        const auto events = git_fixture::updates_since(repo, before);
        CHECK(events.changes.empty());
        CHECK(events.deployment_times.at("v1.1.0") == outer_time);
        CHECK(events.deployment_times.at("v1.1.1") == k_now);
        CHECK(events.deployment_order == std::vector<std::string>{"v1.1.0", "v1.1.1"});
        CHECK(events.deployments.at("v1.1.0") == repo.rev_list("v1.1.0 --not v1.0.0"));
        CHECK(events.deployments.at("v1.1.1").empty());
    }

    TEST_CASE("several tags in one push: each ships what no earlier-ordered tag shipped") {
        TempDir dir;
        GitRepo repo(dir);
        repo.commit("a");
        repo.tag("v1.0.0", "HEAD", true);
        const auto before = git_fixture::refs_of(repo);
        repo.commit("b");
        repo.tag("v1.1.0", "HEAD", true);
        repo.commit("c");
        repo.tag("v1.2.0", "HEAD", true);
        repo.checkout("maint", "v1.0.0");
        repo.commit("fix");
        repo.tag("v1.0.1", "HEAD", true);
        repo.checkout("main");
        const auto events = git_fixture::updates_since(repo, before);
        CHECK(events.deployment_order == std::vector<std::string>{"v1.1.0", "v1.2.0", "v1.0.1"});
        CHECK(events.deployments.at("v1.1.0") == repo.rev_list("v1.1.0 --not v1.0.0"));
        CHECK(events.deployments.at("v1.2.0") == repo.rev_list("v1.2.0 --not v1.0.0 v1.1.0"));
        CHECK(events.deployments.at("v1.0.1") ==
              repo.rev_list("v1.0.1 --not v1.0.0 v1.1.0 v1.2.0"));
        CHECK(events.changes == repo.rev_list("main maint --not v1.0.0"));
        // Changes come before the deployments that ship them.
        CHECK(events.order.size() == events.changes.size() + 3);
    }

    TEST_CASE("a commit pushed to two branches at once is one change") {
        TempDir dir;
        GitRepo repo(dir);
        repo.commit("a");
        const auto before = git_fixture::refs_of(repo);
        const auto b = repo.commit("b");
        repo.git("branch also");
        const auto events = git_fixture::updates_since(repo, before);
        CHECK(events.changes == std::set<std::string>{b});
        CHECK(events.order.size() == 1);
    }

    TEST_CASE("a merge: the merge commit and the side commits no tracked ref had") {
        TempDir dir;
        GitRepo repo(dir);
        repo.commit("a");
        repo.git("update-ref refs/notes/commits HEAD");
        repo.checkout("feature", "HEAD");
        const auto shared = repo.commit("already on a branch");
        repo.checkout("main");
        const auto before = git_fixture::refs_of(repo);
        repo.checkout("feature");
        const auto f2 = repo.commit("new on feature");
        repo.checkout("main");
        const auto merge = repo.merge("feature");
        const auto events = git_fixture::updates_since(repo, before);
        CHECK(events.changes == std::set<std::string>{f2, merge});
        CHECK_FALSE(events.changes.contains(shared));
    }

    TEST_CASE("refs that are neither tracked branches nor release tags are ignored") {
        TempDir dir;
        GitRepo repo(dir);
        repo.commit("a");
        const auto before = git_fixture::refs_of(repo);
        repo.checkout("side", "HEAD");
        const auto hidden = repo.commit("only on review refs");
        repo.checkout("main");
        repo.git("branch -D side");
        for (const char* ref :
             {"refs/notes/commits", "refs/changes/01/1/1", "refs/merge-requests/1/head",
              "refs/keep-around/x", "refs/pull/1/head"}) {
            repo.git(std::string("update-ref ") + ref + " " + hidden);
        }
        repo.tag("v2.0.0-rc1", hidden, true);
        auto events = git_fixture::updates_since(repo, before);
        CHECK(events.order.empty());
        SUBCASE("and their commits become changes when they first reach a tracked branch") {
            const auto middle = git_fixture::refs_of(repo);
            repo.git("branch landed " + hidden);
            events = git_fixture::updates_since(repo, middle);
            CHECK(events.changes == std::set<std::string>{hidden});
        }
    }

    TEST_CASE("the branch strategy: each move of the deploy branch is a deployment") {
        TempDir dir;
        GitRepo repo(dir);
        repo.commit("a");
        const auto old_tip = repo.head();
        const auto before = git_fixture::refs_of(repo);
        repo.checkout("feature", "HEAD");
        repo.commit("f1");
        repo.checkout("main");
        repo.commit("b");
        const auto merge = repo.merge("feature");
        repo.tag("v1.0.0", "HEAD", true);
        SUBCASE("an update") {
            const auto events = git_fixture::updates_since(repo, before, branch_strategy());
            CHECK(events.deployment_order == std::vector<std::string>{merge});
            CHECK(events.deployments.at(merge) == repo.rev_list("main --not " + old_tip));
            CHECK(events.deployment_times.at(merge) == k_now);
            CHECK(events.changes == events.deployments.at(merge));
        }
        SUBCASE("another branch moving is no deployment") {
            const auto events = git_fixture::updates_since(repo, before, branch_strategy("prod"));
            CHECK(events.deployments.empty());
            CHECK(events.changes.size() == 3);
        }
        SUBCASE("creating the deploy branch ships its history") {
            repo.git("branch prod");
            const auto events = git_fixture::updates_since(repo, before, branch_strategy("prod"));
            CHECK(events.deployments.at(merge) == repo.rev_list("prod"));
        }
    }

    TEST_CASE("refs_before undoes the updates a post-receive hook reads") {
        TempDir dir;
        GitRepo repo(dir);
        repo.commit("a");
        repo.tag("v1.0.0", "HEAD", true);
        repo.git("branch gone");
        const auto before = git_fixture::refs_of(repo);
        repo.commit("b");
        repo.tag("v1.1.0", "HEAD", true);
        repo.git("branch -D gone");
        const auto after = git_fixture::refs_of(repo);
        const auto updates = derive::diff_refs(before, after);
        CHECK(updates.size() == 3);
        auto opened = git_fixture::open(repo);
        pipeline::RepositoryHistory history(opened);
        auto rebuilt = derive::refs_before(after, updates, history);
        REQUIRE(rebuilt.has_value());
        REQUIRE(rebuilt->size() == before.size());
        for (std::size_t i = 0; i < before.size(); ++i) {
            CHECK(rebuilt->at(i).name == before[i].name);
            CHECK(rebuilt->at(i).target == before[i].target);
            CHECK(rebuilt->at(i).peeled == before[i].peeled);
            CHECK(rebuilt->at(i).tagger_time == before[i].tagger_time);
        }
        CHECK(derive::is_absent("0000000000000000000000000000000000000000"));
        CHECK(derive::is_absent(""));
        CHECK_FALSE(derive::is_absent(repo.head()));
    }
}
