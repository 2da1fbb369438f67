#include "git_fixture.hpp"
#include "pipeline/repository_history.hpp"

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

namespace {

// Check every deployment against `git rev-list TAG --not EARLIER...`, in the
// order the backfill shipped them.
void check_against_rev_list(const GitRepo& repo, const git_fixture::Events& events) {
    std::vector<std::string> earlier;
    for (const auto& name : events.deployment_order) {
        CHECK_MESSAGE(events.deployments.at(name) == repo.rev_list_not(name, earlier), name);
        earlier.push_back(name);
    }
}

derive::Policy pattern(const std::string& regex) {
    derive::Policy policy;
    policy.tag_pattern = regex;
    return policy;
}

} // namespace

TEST_SUITE("derive::backfill") {
    TEST_CASE("merges: a release ships the merged feature commits too") {
        TempDir dir;
        GitRepo repo(dir);
        repo.commit("a");
        repo.tag("v1.0.0", "HEAD", true);
        repo.checkout("feature", "HEAD");
        repo.commit("f1");
        repo.commit("f2");
        repo.checkout("main");
        repo.commit("b");
        repo.merge("feature");
        repo.tag("v1.1.0", "HEAD", true);
        const auto events = git_fixture::backfill(repo);
        CHECK(events.deployments.at("v1.1.0") == repo.rev_list("v1.1.0 --not v1.0.0"));
        CHECK(events.deployments.at("v1.1.0").size() == 4);
        check_against_rev_list(repo, events);
    }

    TEST_CASE("tag times: annotated (outermost of a chain) or the commit's; raised to changes") {
        TempDir dir;
        GitRepo repo(dir);
        repo.commit("a");
        repo.tag("v1.0.0", "HEAD");
        const auto light_time = std::stoll(repo.git("log -1 --format=%ct"));
        repo.commit("b");
        repo.tag("inner", "HEAD", true);
        repo.tag("v1.1.0", "inner", true);
        const auto outer_time = repo.time();
        repo.set_time(repo.time() + 3600);
        const auto late = repo.commit("c (committed after its tag)");
        repo.set_time(repo.time() - 1800);
        repo.tag("v1.2.0", late, true);
        const auto events = git_fixture::backfill(repo);
        CHECK(events.deployment_times.at("v1.0.0") == light_time);
        CHECK(events.deployment_times.at("v1.1.0") == outer_time);
        CHECK(events.deployment_times.at("v1.2.0") == events.change_times.at(late));
        CHECK(events.deployment_order == std::vector<std::string>{"v1.0.0", "v1.1.0", "v1.2.0"});
        check_against_rev_list(repo, events);
    }

    TEST_CASE("order: the time before the raise, then SemVer, then name") {
        TempDir dir;
        GitRepo repo(dir);
        repo.commit("a");
        const auto first = repo.commit("b");
        // Lightweight tags on one commit share its time: SemVer decides.
        repo.tag("v1.0.10", first);
        repo.tag("v1.0.9", first);
        repo.tag("1.0.9", first);
        const auto events = git_fixture::backfill(repo);
        CHECK(events.deployment_order == std::vector<std::string>{"1.0.9", "v1.0.9", "v1.0.10"});
        CHECK(events.deployments.at("1.0.9") == repo.rev_list("1.0.9"));
        CHECK(events.deployments.at("v1.0.9").empty());
        CHECK(events.deployments.at("v1.0.10").empty());
    }

    TEST_CASE("tags on trees and blobs, pre-releases and other names are skipped and counted") {
        TempDir dir;
        GitRepo repo(dir);
        repo.commit("a");
        repo.tag("v1.0.0", "HEAD", true);
        repo.tag("v9.0.0", "HEAD^{tree}", true);
        repo.tag("v9.0.1", repo.git("hash-object -w --stdin", "blob\n"));
        repo.checkout("rc", "HEAD");
        const auto rc = repo.commit("only on a pre-release tag");
        repo.tag("v2.0.0-rc1", "HEAD", true);
        repo.tag("gitgui-0.10.0", "HEAD");
        repo.tag("v1.5.3.1", "HEAD");
        repo.checkout("main");
        repo.git("branch -D rc");
        auto opened = git_fixture::open(repo);
        pipeline::RepositoryHistory history(opened);
        auto derived = derive::backfill(*opened.refs(), history, *derive::make_policy({}), {});
        REQUIRE(derived.has_value());
        CHECK(derived->summary.tags_not_commit == 2);
        CHECK(derived->summary.tags_not_release == 3);
        const auto events = git_fixture::collect(*derived);
        CHECK(events.deployment_order == std::vector<std::string>{"v1.0.0"});
        CHECK_FALSE(events.changes.contains(rc));
        CHECK(events.changes == repo.rev_list("main"));
        // The walked history is handed over, for the caller to drop.
        CHECK(derived->history.commits.size() == derived->summary.commits);
        CHECK(derived->history.commits.size() == events.changes.size());
        CHECK_FALSE(derived->history.contains(rc));
    }

    TEST_CASE("a custom pattern, with non-ASCII names") {
        TempDir dir;
        GitRepo repo(dir);
        repo.commit("a");
        repo.tag("release-ünï", "HEAD", true);
        repo.tag("v1.0.0", "HEAD", true);
        repo.commit("b");
        repo.tag("release-2", "HEAD");
        repo.git("branch " + git_fixture::quote("fix/ümlaut"));
        const auto events = git_fixture::backfill(repo, pattern("^release-"));
        CHECK(events.deployment_order == std::vector<std::string>{"release-ünï", "release-2"});
        check_against_rev_list(repo, events);
    }

    TEST_CASE("a tag with no common ancestor with earlier ones, and orphan branches") {
        TempDir dir;
        GitRepo repo(dir);
        repo.commit("a");
        repo.tag("v1.0.0", "HEAD", true);
        repo.git("checkout -q --orphan rewrite");
        repo.commit("new root");
        repo.commit("new work");
        repo.tag("v2.0.0", "HEAD", true);
        repo.git("checkout -q --orphan docs");
        const auto docs = repo.commit("docs root");
        const auto events = git_fixture::backfill(repo);
        CHECK(events.deployments.at("v2.0.0") == repo.rev_list("v2.0.0"));
        CHECK(events.deployments.at("v2.0.0").size() == 2);
        CHECK(events.changes.contains(docs));
        CHECK(events.changes == repo.rev_list("--branches --tags"));
    }

    TEST_CASE("tracked branch globs limit the changes") {
        TempDir dir;
        GitRepo repo(dir);
        repo.commit("a");
        repo.checkout("wip/x", "HEAD");
        const auto wip = repo.commit("wip");
        repo.checkout("main");
        derive::Policy policy;
        policy.branch_globs = {"main"};
        auto events = git_fixture::backfill(repo, policy);
        CHECK_FALSE(events.changes.contains(wip));
        CHECK(events.changes == repo.rev_list("main"));
        policy.branch_globs = {"main", "wip/*"};
        events = git_fixture::backfill(repo, policy);
        CHECK(events.changes.contains(wip));
    }

    TEST_CASE(
        "the branch strategy: one deployment per first-parent commit, merges ship their side") {
        TempDir dir;
        GitRepo repo(dir);
        const auto root = repo.commit("root");
        repo.checkout("feature", "HEAD");
        repo.commit("f1");
        repo.commit("f2");
        repo.checkout("main");
        const auto second = repo.commit("second");
        const auto merge = repo.merge("feature");
        derive::Policy policy;
        policy.strategy = derive::Strategy::branch;
        policy.branch_globs = {"nothing"};
        const auto events = git_fixture::backfill(repo, policy);
        CHECK(events.deployment_order == std::vector<std::string>{root, second, merge});
        CHECK(events.deployments.at(root) == std::set<std::string>{root});
        CHECK(events.deployments.at(second) == std::set<std::string>{second});
        CHECK(events.deployments.at(merge) == repo.rev_list(merge + " --not " + merge + "^1"));
        CHECK(events.deployments.at(merge).size() == 3);
        CHECK(events.deployment_times.at(merge) ==
              std::stoll(repo.git("log -1 --format=%ct " + merge)));
        CHECK(events.changes == repo.rev_list("main"));
    }

    TEST_CASE("--since and --until choose what is emitted, ranges still count earlier releases") {
        TempDir dir;
        GitRepo repo(dir);
        repo.commit("a");
        repo.tag("v1.0.0", "HEAD", true);
        const auto since = repo.time() + 30;
        const auto b = repo.commit("b");
        repo.tag("v1.1.0", "HEAD", true);
        const auto until = repo.time() + 30;
        repo.commit("c");
        repo.tag("v1.2.0", "HEAD", true);
        derive::BackfillOptions options;
        options.since = since;
        options.until = until;
        const auto events = git_fixture::backfill(repo, {}, options);
        CHECK(events.changes == std::set<std::string>{b});
        CHECK(events.deployment_order == std::vector<std::string>{"v1.1.0"});
        CHECK(events.deployments.at("v1.1.0") == std::set<std::string>{b});
    }

    TEST_CASE("--change-time author times changes by their author date") {
        TempDir dir;
        GitRepo repo(dir);
        const auto id = repo.commit_authored("a", 1500000000);
        derive::BackfillOptions options;
        options.change_time = derive::ChangeTime::author;
        CHECK(git_fixture::backfill(repo, {}, options).change_times.at(id) == 1500000000);
        CHECK(git_fixture::backfill(repo).change_times.at(id) == repo.time());
    }

    TEST_CASE("an empty repository: no events, and a note saying so") {
        TempDir dir;
        GitRepo repo(dir, "empty.git", true);
        auto opened = git_fixture::open(repo);
        pipeline::RepositoryHistory history(opened);
        auto derived = derive::backfill(*opened.refs(), history, *derive::make_policy({}), {});
        REQUIRE(derived.has_value());
        CHECK(derived->events.empty());
        REQUIRE(derived->summary.notes.size() == 1);
        CHECK(derived->summary.notes[0].find("empty") != std::string::npos);
    }

    TEST_CASE("a shallow clone: events for the history it has") {
        TempDir dir;
        GitRepo origin(dir);
        origin.commit("a");
        origin.tag("v1.0.0", "HEAD", true);
        origin.commit("b");
        origin.commit("c");
        origin.tag("v1.1.0", "HEAD", true);
        origin.run("git clone -q --no-local --depth 1 --branch v1.1.0 file://" +
                   origin.path().string() + " " +
                   git_fixture::quote((dir.path() / "shallow").string()));
        GitRepo view(dir, "shallow");
        const auto events = git_fixture::backfill(view);
        CHECK(events.changes == std::set<std::string>{origin.head()});
        CHECK(events.deployments.at("v1.1.0") == std::set<std::string>{origin.head()});
    }

    TEST_CASE("10,000 tags made with fast-import") {
        TempDir dir;
        GitRepo repo(dir, "many.git", true);
        std::string stream;
        for (int i = 1; i <= 10000; ++i) {
            stream += "commit refs/heads/main\nmark :" + std::to_string(i) +
                      "\ncommitter C <c@example.com> " + std::to_string(1600000000 + i * 60) +
                      " +0000\ndata 2\nc\n" +
                      (i > 1 ? "from :" + std::to_string(i - 1) + "\n" : "") + "\n";
            const auto name = "v1." + std::to_string(i / 100) + "." + std::to_string(i % 100);
            if (i % 2 == 0) {
                stream += "tag " + name + "\nfrom :" + std::to_string(i) +
                          "\ntagger T <t@example.com> " + std::to_string(1600000000 + i * 60 + 1) +
                          " +0000\ndata 2\nt\n";
            } else {
                stream += "reset refs/tags/" + name + "\nfrom :" + std::to_string(i) + "\n\n";
            }
        }
        repo.fast_import(stream);
        const auto events = git_fixture::backfill(repo);
        CHECK(events.deployments.size() == 10000);
        CHECK(events.changes.size() == 10000);
        for (const auto& [name, changes] : events.deployments) {
            CHECK(changes.size() == 1);
        }
        const auto& order = events.deployment_order;
        for (const std::size_t i : {0ul, 1ul, 4999ul, 9999ul}) {
            const std::vector<std::string> earlier(order.begin(),
                                                   order.begin() + static_cast<long>(i));
            CHECK(events.deployments.at(order[i]) == repo.rev_list_not(order[i], earlier));
        }
    }
}
