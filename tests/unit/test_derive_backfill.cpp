#include "git_fixture.hpp"

using git_fixture::GitRepo;
using git_fixture::TempDir;

TEST_SUITE("derive::backfill") {
    TEST_CASE("linear history: each release ships the range since the previous one") {
        TempDir dir;
        GitRepo repo(dir);
        repo.commit("a");
        repo.commit("b");
        repo.tag("v1.0.0", "HEAD", true);
        repo.commit("c");
        repo.tag("v1.1.0", "HEAD");
        repo.commit("d");
        const auto events = git_fixture::backfill(repo);
        CHECK(events.changes == repo.rev_list("--branches --tags"));
        CHECK(events.deployments.at("v1.0.0") == repo.rev_list("v1.0.0"));
        CHECK(events.deployments.at("v1.1.0") == repo.rev_list("v1.1.0 --not v1.0.0"));
        CHECK(events.deployment_order == std::vector<std::string>{"v1.0.0", "v1.1.0"});
        CHECK(events.deployment_times.at("v1.0.0") == 1700000000 + 3 * 60);
        CHECK(events.deployment_times.at("v1.1.0") ==
              std::stoll(repo.git("log -1 --format=%ct v1.1.0")));
    }

    TEST_CASE("a hotfix tagged after a newer major ships only what no earlier release shipped") {
        TempDir dir;
        GitRepo repo(dir);
        repo.commit("base");
        repo.tag("6.2.13", "HEAD", true);
        repo.checkout("maint-6.2", "HEAD");
        repo.checkout("main");
        repo.commit("feature");
        repo.commit("more");
        repo.tag("7.2.3", "HEAD", true);
        repo.checkout("maint-6.2");
        repo.commit("fix");
        repo.tag("6.2.14", "HEAD", true);
        repo.checkout("main");
        repo.merge("maint-6.2");
        repo.tag("7.2.4", "HEAD", true);
        const auto events = git_fixture::backfill(repo);
        CHECK(events.changes == repo.rev_list("--branches --tags"));
        CHECK(events.deployments.at("6.2.13") == repo.rev_list("6.2.13"));
        CHECK(events.deployments.at("7.2.3") == repo.rev_list("7.2.3 --not 6.2.13"));
        CHECK(events.deployments.at("6.2.14") == repo.rev_list("6.2.14 --not 6.2.13 7.2.3"));
        CHECK(events.deployments.at("6.2.14").size() == 1);
        CHECK(events.deployments.at("7.2.4") == repo.rev_list("7.2.4 --not 6.2.13 7.2.3 6.2.14"));
        CHECK(events.deployments.at("7.2.4").size() == 1);
    }
}
