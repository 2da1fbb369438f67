// The fake history against real git: the same history built in both, derive
// must yield the same events from each, so that rule tests on the fake say
// something about repositories.

#include "derive/git_deployment.hpp"
#include "derive/pre_push.hpp"
#include "fake_history.hpp"
#include "git_fixture.hpp"

#include <doctest/doctest.h>

using fake_history::FakeHistory;
using git_fixture::GitRepo;
using git_fixture::TempDir;

namespace {

constexpr long long k_now = 1800000000;

// One history built twice, with the same times: in the fake under short
// names, and in real git, where commits are made with commit-tree so that
// any parents can be given.
class Twin {
public:
    explicit Twin(const TempDir& dir) : m_git(dir), m_tree(m_git.git("mktree")) {}

    void commit(const std::string& name, const std::vector<std::string>& parents = {}) {
        m_git.tick();
        std::string args = "commit-tree " + m_tree + " -m " + git_fixture::quote(name);
        for (const auto& parent : parents) {
            args += " -p " + m_sha.at(parent);
        }
        const auto sha = m_git.git(args);
        m_sha[name] = sha;
        m_name[sha] = name;
        m_fake.commit(name, parents, m_git.time());
    }

    void branch(const std::string& name, const std::string& target) {
        m_git.git("update-ref refs/heads/" + name + " " + m_sha.at(target));
        m_fake.branch(name, target);
    }

    void tag(const std::string& name, const std::string& target, bool annotated) {
        m_git.tag(name, m_sha.at(target), annotated);
        if (annotated) {
            m_fake.annotated_tag(name, target, m_git.time());
        } else {
            m_fake.tag(name, target);
        }
    }

    void remote_ref(const std::string& name, const std::string& target) {
        m_git.git("update-ref refs/remotes/" + name + " " + m_sha.at(target));
        m_fake.set_ref("refs/remotes/" + name, target);
    }

    // Return git's id of a commit named in the fake.
    const std::string& sha(const std::string& name) const { return m_sha.at(name); }

    // Return the fake's name for an id git derived (deployment names stay).
    std::string name(const std::string& id) const {
        const auto it = m_name.find(id);
        return it == m_name.end() ? id : it->second;
    }

    // Rewrite git's ids in derived events into the fake's names.
    derive::Derived renamed(derive::Derived derived) const {
        for (auto& event : derived.events) {
            if (auto* change = std::get_if<model::Change>(&event)) {
                change->id = name(change->id);
            } else if (auto* deployment = std::get_if<model::Deployment>(&event)) {
                deployment->id = name(deployment->id);
                for (auto& id : deployment->changes) {
                    id = name(id);
                }
            }
        }
        return derived;
    }

    FakeHistory& fake() { return m_fake; }
    GitRepo& git() { return m_git; }

private:
    GitRepo m_git;
    std::string m_tree;
    FakeHistory m_fake;
    std::map<std::string, std::string> m_sha;
    std::map<std::string, std::string> m_name;
};

// A release history with a merge, a maintenance branch and a hotfix tagged
// after a newer release, lightweight and annotated tags, and a topic branch.
void build_releases(Twin& twin) {
    twin.commit("base");
    twin.tag("v1.0.0", "base", true);
    twin.commit("feature", {"base"});
    twin.commit("more", {"feature"});
    twin.tag("v2.0.0", "more", true);
    twin.commit("fix", {"base"});
    twin.tag("v1.0.1", "fix", false);
    twin.commit("merge", {"more", "fix"});
    twin.commit("topic", {"feature"});
    twin.branch("main", "merge");
    twin.branch("maint", "fix");
    twin.branch("topic", "topic");
}

derive::Policy ready(derive::Policy policy = {}) {
    auto made = derive::make_policy(std::move(policy));
    REQUIRE(made.has_value());
    return *made;
}

// Check that two derivations are the same events in the same order.
void check_same(const derive::Derived& from_git, const derive::Derived& from_fake) {
    const auto git_events = git_fixture::collect(from_git);
    const auto fake_events = git_fixture::collect(from_fake);
    CHECK(git_events.order == fake_events.order);
    CHECK(git_events.changes == fake_events.changes);
    CHECK(git_events.change_times == fake_events.change_times);
    CHECK(git_events.deployments == fake_events.deployments);
    CHECK(git_events.deployment_times == fake_events.deployment_times);
    CHECK(from_git.summary.notes == from_fake.summary.notes);
    CHECK_FALSE(git_events.order.empty());
}

derive::Derived backfill_git(Twin& twin, const derive::Policy& policy) {
    auto repo = git_fixture::open(twin.git());
    pipeline::RepositoryHistory history(repo);
    auto derived = derive::backfill(git_fixture::refs_of(twin.git()), history, policy, {});
    REQUIRE_MESSAGE(derived.has_value(), (derived ? "" : derived.error().message));
    return twin.renamed(std::move(*derived));
}

derive::Derived backfill_fake(Twin& twin, const derive::Policy& policy) {
    auto derived = derive::backfill(twin.fake().refs(), twin.fake(), policy, {});
    REQUIRE_MESSAGE(derived.has_value(), (derived ? "" : derived.error().message));
    return std::move(*derived);
}

derive::Derived updates_git(Twin& twin, const model::RefSnapshot& before,
                            const derive::Policy& policy) {
    auto repo = git_fixture::open(twin.git());
    pipeline::RepositoryHistory history(repo);
    const auto updates = derive::diff_refs(before, git_fixture::refs_of(twin.git()));
    auto derived = derive::updates(before, updates, history, policy, k_now);
    REQUIRE_MESSAGE(derived.has_value(), (derived ? "" : derived.error().message));
    return twin.renamed(std::move(*derived));
}

derive::Derived updates_fake(Twin& twin, const model::RefSnapshot& before,
                             const derive::Policy& policy) {
    const auto updates = derive::diff_refs(before, twin.fake().refs());
    auto derived = derive::updates(before, updates, twin.fake(), policy, k_now);
    REQUIRE_MESSAGE(derived.has_value(), (derived ? "" : derived.error().message));
    return std::move(*derived);
}

} // namespace

TEST_SUITE("fake_history::FakeHistory") {
    TEST_CASE("backfill yields the same events from the fake and from git") {
        TempDir dir;
        Twin twin(dir);
        build_releases(twin);
        SUBCASE("tags") {
            check_same(backfill_git(twin, ready()), backfill_fake(twin, ready()));
        }
        SUBCASE("branch") {
            derive::Policy branch;
            branch.strategy = derive::Strategy::branch;
            check_same(backfill_git(twin, ready(branch)), backfill_fake(twin, ready(branch)));
        }
    }

    TEST_CASE("updates yield the same events from the fake and from git") {
        TempDir dir;
        Twin twin(dir);
        build_releases(twin);
        const auto git_before = git_fixture::refs_of(twin.git());
        const auto fake_before = twin.fake().refs();
        twin.commit("next", {"merge"});
        twin.commit("side", {"topic"});
        twin.commit("joined", {"next", "side"});
        twin.branch("main", "joined");
        twin.tag("v2.1.0", "joined", true);
        twin.tag("v2.0.1", "topic", false);
        check_same(updates_git(twin, git_before, ready()),
                   updates_fake(twin, fake_before, ready()));
    }

    TEST_CASE("pre-push and git-deployment rules yield the same events from both") {
        TempDir dir;
        Twin twin(dir);
        build_releases(twin);
        twin.remote_ref("origin/main", "more");
        twin.commit("local", {"merge"});
        twin.branch("main", "local");
        const auto policy = ready();
        auto repo = git_fixture::open(twin.git());
        pipeline::RepositoryHistory history(repo);
        const derive::PushedRef git_push{"refs/heads/main", twin.sha("local"), "refs/heads/main",
                                         twin.sha("feature")};
        const derive::PushedRef fake_push{"refs/heads/main", "local", "refs/heads/main", "feature"};
        auto from_git = derive::pre_push({git_push}, git_fixture::refs_of(twin.git()), "origin",
                                         history, policy, k_now);
        auto from_fake =
            derive::pre_push({fake_push}, twin.fake().refs(), "origin", twin.fake(), policy, k_now);
        REQUIRE(from_git.has_value());
        REQUIRE(from_fake.has_value());
        check_same(twin.renamed(std::move(*from_git)), *from_fake);

        derive::GitDeployment git_deployment;
        git_deployment.id = "d1";
        git_deployment.head = twin.sha("local");
        git_deployment.previous = twin.sha("base");
        auto fake_deployment = git_deployment;
        fake_deployment.head = "local";
        fake_deployment.previous = "base";
        auto deployed_git = derive::git_deployment(git_deployment, history);
        auto deployed_fake = derive::git_deployment(fake_deployment, twin.fake());
        REQUIRE(deployed_git.has_value());
        REQUIRE(deployed_fake.has_value());
        check_same(twin.renamed(std::move(*deployed_git)), *deployed_fake);
    }
}
