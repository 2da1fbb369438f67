#include "derive/git_deployment.hpp"
#include "fake_history.hpp"

#include <doctest/doctest.h>

using fake_history::FakeHistory;

namespace {

using Ids = std::vector<std::string>;

// main: a-b-c-m, where m merges feature f1 (branched at a); each commit
// authored a day before it was committed.
FakeHistory merged_history() {
    FakeHistory h;
    constexpr long long day = 86400;
    h.commit("a", {}, 1000, 1000 - day);
    h.commit("b", {"a"}, 2000, 2000 - day);
    h.commit("f1", {"a"}, 2500, 2500 - day);
    h.commit("c", {"b"}, 3000, 3000 - day);
    h.commit("m", {"c", "f1"}, 4000, 4000 - day);
    h.branch("main", "m");
    return h;
}

derive::GitDeployment deployment(const std::string& previous, const std::string& head = "m") {
    derive::GitDeployment d;
    d.id = "deploy-42";
    d.time = 5000;
    d.teams = {"web", "api"};
    d.source = "ci";
    d.head = head;
    d.previous = previous;
    return d;
}

// The derived events: changes (id, time) in order, then the deployment.
struct Split {
    std::vector<model::Change> changes;
    model::Deployment deployment;
};

Split split(const derive::Derived& derived) {
    Split out;
    REQUIRE_FALSE(derived.events.empty());
    const auto* last = std::get_if<model::Deployment>(&derived.events.back());
    REQUIRE(last != nullptr);
    out.deployment = *last;
    for (std::size_t i = 0; i + 1 < derived.events.size(); ++i) {
        const auto* change = std::get_if<model::Change>(&derived.events[i]);
        REQUIRE(change != nullptr);
        out.changes.push_back(*change);
    }
    return out;
}

Ids ids(const std::vector<model::Change>& changes) {
    Ids out;
    for (const auto& c : changes) {
        out.push_back(c.id);
    }
    return out;
}

Split derive_split(FakeHistory& h, const derive::GitDeployment& d) {
    auto derived = derive::git_deployment(d, h);
    REQUIRE_MESSAGE(derived.has_value(), (derived ? "" : derived.error().message));
    return split(*derived);
}

} // namespace

TEST_SUITE("derive::git_deployment") {
    TEST_CASE("without paths: every commit of previous..head, newest first, then the deployment") {
        auto h = merged_history();
        const auto out = derive_split(h, deployment("b"));
        CHECK(ids(out.changes) == Ids{"m", "c", "f1"});
        CHECK(out.deployment.changes == ids(out.changes));
        CHECK(out.deployment.id == "deploy-42");
        CHECK(out.deployment.time == 5000);
        CHECK(out.deployment.teams == Ids{"web", "api"});
        CHECK(out.deployment.source == "ci");
        for (const auto& change : out.changes) {
            CHECK(change.source == "ci");
            CHECK(change.event_type == "commit");
        }
    }

    TEST_CASE("changes carry author times, or committer times when asked") {
        auto h = merged_history();
        auto d = deployment("c");
        const auto authored = derive_split(h, d).changes;
        REQUIRE(ids(authored) == Ids{"m", "f1"});
        CHECK(authored[0].time == 4000 - 86400);
        CHECK(authored[1].time == 2500 - 86400);
        d.change_time = derive::ChangeTime::committer;
        const auto committed = derive_split(h, d).changes;
        CHECK(committed.at(0).time == 4000);
        CHECK(committed.at(1).time == 2500);
    }

    TEST_CASE("with paths: only the commits the predicate accepts") {
        auto h = merged_history();
        auto d = deployment("a");
        Ids asked;
        d.touches = [&](const std::string& commit) -> model::Expected<bool> {
            asked.push_back(commit);
            return commit == "b" || commit == "f1";
        };
        const auto out = derive_split(h, d);
        const auto listed = ids(out.changes);
        CHECK(std::set<std::string>(listed.begin(), listed.end()) ==
              std::set<std::string>{"b", "f1"});
        CHECK(out.deployment.changes == listed);
        CHECK(asked.size() == h.rev_list({"m"}, {"a"}).size());
    }

    TEST_CASE("a deployment that ships nothing is still reported, empty") {
        auto h = merged_history();
        SUBCASE("head is the previous deployment") {
            const auto out = derive_split(h, deployment("m"));
            CHECK(out.changes.empty());
            CHECK(out.deployment.changes.empty());
        }
        SUBCASE("no commit touches the paths") {
            auto d = deployment("a");
            d.touches = [](const std::string&) -> model::Expected<bool> { return false; };
            const auto out = derive_split(h, d);
            CHECK(out.changes.empty());
            CHECK(out.deployment.id == "deploy-42");
        }
    }

    TEST_CASE("errors of the history and of the predicate are returned") {
        auto h = merged_history();
        SUBCASE("an unreadable head") {
            auto derived = derive::git_deployment(deployment("a", "nowhere"), h);
            REQUIRE_FALSE(derived.has_value());
            CHECK(derived.error().message.find("nowhere") != std::string::npos);
        }
        SUBCASE("a failing path check") {
            auto d = deployment("a");
            d.touches = [](const std::string& commit) -> model::Expected<bool> {
                return model::fail("cannot diff " + commit);
            };
            auto derived = derive::git_deployment(d, h);
            REQUIRE_FALSE(derived.has_value());
            CHECK(derived.error().message.find("cannot diff") != std::string::npos);
        }
    }
}
