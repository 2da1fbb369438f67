// derive's rules (backfill, updates, refs_before) on in-memory histories: no
// git, so each case states its history in a few lines.

#include "fake_history.hpp"
#include "git_fixture.hpp"

#include <doctest/doctest.h>

using fake_history::FakeHistory;
using git_fixture::Events;
using Ids = std::set<std::string>;

namespace {

constexpr long long k_now = 1800000000;

derive::Policy ready(derive::Policy policy = {}) {
    auto made = derive::make_policy(std::move(policy));
    REQUIRE(made.has_value());
    return *made;
}

derive::Policy branch_strategy(const std::string& branch = "main") {
    derive::Policy policy;
    policy.strategy = derive::Strategy::branch;
    policy.deploy_branch = branch;
    return policy;
}

derive::Derived backfill_derived(FakeHistory& h, derive::Policy policy = {}) {
    auto derived = derive::backfill(h.refs(), h, ready(std::move(policy)), {});
    REQUIRE_MESSAGE(derived.has_value(), (derived ? "" : derived.error().message));
    return std::move(*derived);
}

Events backfill(FakeHistory& h, derive::Policy policy = {}) {
    return git_fixture::collect(backfill_derived(h, std::move(policy)));
}

derive::Derived updates_derived(FakeHistory& h, const model::RefSnapshot& before,
                                derive::Policy policy = {}) {
    const auto updates = derive::diff_refs(before, h.refs());
    auto derived = derive::updates(before, updates, h, ready(std::move(policy)), k_now);
    REQUIRE_MESSAGE(derived.has_value(), (derived ? "" : derived.error().message));
    return std::move(*derived);
}

Events updates_since(FakeHistory& h, const model::RefSnapshot& before, derive::Policy policy = {}) {
    return git_fixture::collect(updates_derived(h, before, std::move(policy)));
}

// Check that each release ships what its tag reaches and no earlier one
// reached, so that every released commit is in exactly one release.
void check_each_commit_shipped_once(FakeHistory& h, const Events& events) {
    std::vector<std::string> earlier;
    Ids released;
    for (const auto& name : events.deployment_order) {
        CHECK_MESSAGE(events.deployments.at(name) == h.rev_list({name}, earlier), name);
        earlier.push_back(name);
        released.insert(events.deployments.at(name).begin(), events.deployments.at(name).end());
    }
    CHECK(released == h.rev_list(earlier));
}

// base tagged 6.2.13; main moves on to 7.2.3; the maintenance branch gets a
// fix tagged 6.2.14 after 7.2.3, merged into main as 7.2.4; an unreleased
// commit waits on the maintenance branch.
FakeHistory maintained_history() {
    FakeHistory h;
    h.commit("base");
    h.annotated_tag("6.2.13", "base");
    h.chain({"feature", "more"}, "base");
    h.annotated_tag("7.2.3", "more");
    h.commit("fix", {"base"});
    h.annotated_tag("6.2.14", "fix");
    h.commit("merge", {"more", "fix"});
    h.annotated_tag("7.2.4", "merge");
    h.commit("wip", {"fix"});
    h.branch("main", "merge");
    h.branch("maint-6.2", "wip");
    return h;
}

} // namespace

TEST_SUITE("derive::backfill") {
    TEST_CASE("fake: maintenance branches and a hotfix tagged after a newer major") {
        auto h = maintained_history();
        const auto events = backfill(h);
        CHECK(events.changes == h.rev_list({"main", "maint-6.2"}));
        CHECK(events.deployment_order ==
              std::vector<std::string>{"6.2.13", "7.2.3", "6.2.14", "7.2.4"});
        CHECK(events.deployments.at("6.2.13") == Ids{"base"});
        CHECK(events.deployments.at("7.2.3") == Ids{"feature", "more"});
        CHECK(events.deployments.at("6.2.14") == Ids{"fix"});
        CHECK(events.deployments.at("7.2.4") == Ids{"merge"});
        check_each_commit_shipped_once(h, events);
        // What no release ships comes last.
        CHECK(events.order.back() == "wip");
    }

    TEST_CASE("fake: a release is timed by its tag, never before its changes") {
        FakeHistory h;
        h.commit("a", {}, 1000);
        h.tag("v1.0.0", "a");
        h.commit("b", {"a"}, 5000);
        h.annotated_tag("v1.1.0", "b", 4000);
        h.commit("c", {"b"}, 6000);
        h.annotated_tag("v1.2.0", "c", 7000);
        h.branch("main", "c");
        const auto events = backfill(h);
        CHECK(events.deployment_times.at("v1.0.0") == 1000);
        CHECK(events.deployment_times.at("v1.1.0") == 5000);
        CHECK(events.deployment_times.at("v1.2.0") == 7000);
        check_each_commit_shipped_once(h, events);
    }

    TEST_CASE("fake: the branch strategy deploys each first-parent commit of the branch") {
        FakeHistory h;
        h.chain({"a", "b"});
        h.commit("f1", {"a"});
        h.commit("m", {"b", "f1"});
        h.commit("other", {"m"});
        h.branch("main", "m");
        h.branch("topic", "other");
        const auto events = backfill(h, branch_strategy());
        CHECK(events.deployment_order == std::vector<std::string>{"a", "b", "m"});
        CHECK(events.deployments.at("a") == Ids{"a"});
        CHECK(events.deployments.at("b") == Ids{"b"});
        CHECK(events.deployments.at("m") == Ids{"f1", "m"});
        CHECK(events.changes == Ids{"a", "b", "f1", "m", "other"});
        SUBCASE("a missing deploy branch: changes only, and a note") {
            const auto derived = backfill_derived(h, branch_strategy("prod"));
            CHECK(git_fixture::collect(derived).deployments.empty());
            REQUIRE(derived.summary.notes.size() == 1);
            CHECK(derived.summary.notes[0].find("'prod' not found") != std::string::npos);
        }
    }

    TEST_CASE("fake: tags on trees and pre-releases are skipped and counted") {
        FakeHistory h;
        h.commit("a");
        h.branch("main", "a");
        h.tree("t");
        h.tag("v1.0.0", "t");
        h.tag("v1.0.1-rc1", "a");
        const auto derived = backfill_derived(h);
        CHECK(git_fixture::collect(derived).deployments.empty());
        CHECK(derived.summary.tags_not_commit == 1);
        CHECK(derived.summary.tags_not_release == 1);
    }
}

TEST_SUITE("derive::updates") {
    TEST_CASE("fake: a new tag on an old commit ships what no release shipped, at its time") {
        FakeHistory h;
        h.chain({"a", "b", "c"});
        h.annotated_tag("v1.0.0", "a");
        h.branch("main", "c");
        const auto before = h.refs();
        SUBCASE("annotated: the tagger time, no new changes") {
            h.annotated_tag("v1.1.0", "b", 1750000000);
            const auto events = updates_since(h, before);
            CHECK(events.changes.empty());
            CHECK(events.deployments.at("v1.1.0") == Ids{"b"});
            CHECK(events.deployment_times.at("v1.1.0") == 1750000000);
        }
        SUBCASE("lightweight, on a released commit: an empty deployment at now") {
            h.tag("v1.0.1", "a");
            const auto events = updates_since(h, before);
            CHECK(events.deployments.at("v1.0.1").empty());
            CHECK(events.deployment_times.at("v1.0.1") == k_now);
        }
    }

    TEST_CASE("fake: a pushed branch with a new tag: changes at now, the release raised to now") {
        FakeHistory h;
        h.chain({"a"});
        h.annotated_tag("v1.0.0", "a");
        h.branch("main", "a");
        const auto before = h.refs();
        h.chain({"b", "c"}, "a");
        h.branch("main", "c");
        h.annotated_tag("v1.1.0", "c");
        const auto events = updates_since(h, before);
        CHECK(events.order == std::vector<std::string>{"b", "c", "v1.1.0"});
        CHECK(events.change_times.at("b") == k_now);
        CHECK(events.deployments.at("v1.1.0") == Ids{"b", "c"});
        CHECK(events.deployment_times.at("v1.1.0") == k_now);
    }

    TEST_CASE("fake: a moved or deleted release tag is noted, not reported again") {
        FakeHistory h;
        h.chain({"a", "b"});
        h.annotated_tag("v1.0.0", "a");
        h.annotated_tag("v1.1.0", "a");
        h.branch("main", "b");
        const auto before = h.refs();
        h.remove_ref("refs/tags/v1.0.0");
        h.annotated_tag("v1.1.0", "b");
        const auto derived = updates_derived(h, before);
        CHECK(derived.events.empty());
        REQUIRE(derived.summary.notes.size() == 2);
        CHECK(derived.summary.notes[0].find("'v1.0.0' deleted") != std::string::npos);
        CHECK(derived.summary.notes[1].find("'v1.1.0' moved") != std::string::npos);
    }

    TEST_CASE("fake: the branch strategy deploys each move of the deploy branch") {
        FakeHistory h;
        h.chain({"a"});
        h.branch("main", "a");
        const auto before = h.refs();
        h.commit("f1", {"a"});
        h.commit("b", {"a"});
        h.commit("m", {"b", "f1"});
        h.branch("main", "m");
        SUBCASE("the deploy branch moved: one deployment of its new commits, at now") {
            const auto events = updates_since(h, before, branch_strategy());
            CHECK(events.deployment_order == std::vector<std::string>{"m"});
            CHECK(events.deployments.at("m") == Ids{"b", "f1", "m"});
            CHECK(events.deployment_times.at("m") == k_now);
            CHECK(events.changes == events.deployments.at("m"));
        }
        SUBCASE("another branch moving is no deployment") {
            const auto events = updates_since(h, before, branch_strategy("prod"));
            CHECK(events.deployments.empty());
            CHECK(events.changes == Ids{"b", "f1", "m"});
        }
    }
}

TEST_SUITE("derive::refs_before") {
    TEST_CASE("fake: undoes creations, moves and deletions") {
        FakeHistory h;
        h.chain({"a", "b"});
        h.annotated_tag("v1.0.0", "a");
        h.branch("main", "a");
        h.branch("gone", "a");
        const auto before = h.refs();
        h.branch("main", "b");
        h.annotated_tag("v1.1.0", "b");
        h.remove_ref("refs/heads/gone");
        const auto after = h.refs();
        const auto updates = derive::diff_refs(before, after);
        CHECK(updates.size() == 3);
        auto rebuilt = derive::refs_before(after, updates, h);
        REQUIRE(rebuilt.has_value());
        REQUIRE(rebuilt->size() == before.size());
        for (std::size_t i = 0; i < before.size(); ++i) {
            CHECK(rebuilt->at(i).name == before[i].name);
            CHECK(rebuilt->at(i).target == before[i].target);
            CHECK(rebuilt->at(i).peeled == before[i].peeled);
            CHECK(rebuilt->at(i).tagger_time == before[i].tagger_time);
        }
    }

    TEST_CASE("fake: an old id the history cannot read is an error") {
        FakeHistory h;
        h.chain({"a"});
        h.branch("main", "a");
        const std::vector<derive::RefUpdate> updates{{"refs/heads/main", "lost", "a"}};
        auto rebuilt = derive::refs_before(h.refs(), updates, h);
        REQUIRE_FALSE(rebuilt.has_value());
        CHECK(rebuilt.error().message.find("lost") != std::string::npos);
    }
}

namespace {

// Records how a backfill hands its events over.
class Chunks : public derive::EventSink {
public:
    void expect(std::size_t events) override {
        CHECK(sizes.empty());
        expected.push_back(events);
    }
    void take(std::vector<model::Event>& events) override {
        sizes.push_back(events.size());
        for (auto& event : events) {
            all.push_back(std::move(event));
        }
    }
    std::vector<std::size_t> expected;
    std::vector<std::size_t> sizes;
    std::vector<model::Event> all;
};

} // namespace

TEST_SUITE("derive::backfill") {
    TEST_CASE("events reach a sink in chunks, in the order a collected backfill has them") {
        FakeHistory h;
        std::vector<std::string> ids;
        for (int i = 0; i < 9000; ++i) {
            ids.push_back("c" + std::to_string(i));
        }
        h.chain(ids);
        h.tag("v1.0.0", "c5000");
        h.branch("main", "c8999");
        const auto policy = *derive::make_policy({});
        Chunks chunks;
        const auto streamed = derive::backfill(h.refs(), h, policy, {}, chunks);
        REQUIRE(streamed.has_value());
        CHECK(streamed->events.empty());
        CHECK(chunks.expected == std::vector<std::size_t>{9001});
        REQUIRE(chunks.sizes.size() == 3);
        CHECK(chunks.sizes == std::vector<std::size_t>{4096, 4096, 809});
        const auto collected = derive::backfill(h.refs(), h, policy, {});
        REQUIRE(collected.has_value());
        REQUIRE(collected->events.size() == 9001);
        REQUIRE(chunks.all.size() == 9001);
        for (std::size_t i = 0; i < chunks.all.size(); ++i) {
            CHECK(model::to_json(chunks.all[i]) == model::to_json(collected->events[i]));
        }
        CHECK(streamed->summary.changes == 9000);
        CHECK(streamed->summary.deployments == 1);
    }
}
