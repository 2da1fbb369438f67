#include "derive/deployment_times.hpp"
#include "derive/derive.hpp"
#include "fake_history.hpp"

#include <doctest/doctest.h>

namespace {

using fake_history::FakeHistory;

derive::Policy reverts_policy(derive::Strategy strategy = derive::Strategy::tags) {
    derive::Policy policy;
    policy.strategy = strategy;
    policy.incidents.reverts = true;
    policy.incidents.rollbacks = true;
    return policy;
}

std::vector<model::Incident> incidents_of(const std::vector<model::Event>& events) {
    std::vector<model::Incident> found;
    for (const auto& event : events) {
        if (const auto* incident = std::get_if<model::Incident>(&event)) {
            found.push_back(*incident);
        }
    }
    return found;
}

model::UnixSeconds deployment_time(const std::vector<model::Event>& events, const std::string& id) {
    for (const auto& event : events) {
        if (const auto* d = std::get_if<model::Deployment>(&event); d && d->id == id) {
            return d->time;
        }
    }
    throw std::logic_error("no deployment " + id);
}

std::string revert_of(const std::string& id) {
    return "Revert \"x\"\n\nThis reverts commit " + id + ".\n";
}

// base - bad (v1) - other - fix, revert of bad (v2 on fix)
FakeHistory next_release_history() {
    FakeHistory h;
    h.chain({"aaaa01", "bbbb02"});
    h.annotated_tag("v1.0.0", "bbbb02");
    h.chain({"cccc03", "dddd04"}, "bbbb02");
    h.set_message("dddd04", revert_of("bbbb02"));
    h.branch("main", "dddd04");
    return h;
}

} // namespace

TEST_SUITE("derive::incidents") {
    TEST_CASE("backfill: a revert in the next release is an incident from v1 to v2") {
        auto h = next_release_history();
        h.annotated_tag("v2.0.0", "dddd04");
        const auto derived = derive::backfill(h.refs(), h, reverts_policy(), {});
        REQUIRE(derived);
        const auto found = incidents_of(derived->events);
        REQUIRE(found.size() == 1);
        CHECK(found[0].id == "revert-dddd04");
        CHECK(found[0].source == "git");
        CHECK(found[0].created == deployment_time(derived->events, "v1.0.0"));
        CHECK(found[0].resolved == deployment_time(derived->events, "v2.0.0"));
        CHECK(derived->summary.incidents == 1);
        CHECK(std::holds_alternative<model::Incident>(derived->events.back()));
    }

    TEST_CASE("backfill: no incident without the setting, in one release, or unreleased") {
        auto h = next_release_history();
        SUBCASE("setting off") {
            h.annotated_tag("v2.0.0", "dddd04");
            auto policy = reverts_policy();
            policy.incidents.reverts = false;
            const auto derived = derive::backfill(h.refs(), h, policy, {});
            REQUIRE(derived);
            CHECK(incidents_of(derived->events).empty());
        }
        SUBCASE("the revert is not released yet") {
            const auto derived = derive::backfill(h.refs(), h, reverts_policy(), {});
            REQUIRE(derived);
            CHECK(incidents_of(derived->events).empty());
        }
        SUBCASE("both in one release") {
            h.remove_ref("refs/tags/v1.0.0");
            h.annotated_tag("v2.0.0", "dddd04");
            const auto derived = derive::backfill(h.refs(), h, reverts_policy(), {});
            REQUIRE(derived);
            CHECK(incidents_of(derived->events).empty());
        }
    }

    TEST_CASE("backfill: ids are resolved exactly; a revert of a revert opens nothing") {
        auto h = next_release_history();
        h.commit("eeee05", {"dddd04"});
        h.set_message("eeee05", revert_of("dddd"));
        h.commit("ffff06", {"eeee05"});
        h.set_message("ffff06", revert_of("cc"));
        h.commit("abab07", {"ffff06"});
        h.set_message("abab07", revert_of("9999"));
        h.branch("main", "abab07");
        h.annotated_tag("v2.0.0", "dddd04");
        h.annotated_tag("v3.0.0", "abab07");
        const auto derived = derive::backfill(h.refs(), h, reverts_policy(), {});
        REQUIRE(derived);
        const auto found = incidents_of(derived->events);
        REQUIRE(found.size() == 1);
        CHECK(found[0].id == "revert-dddd04");
        // "cc" is too short to be an id; "9999" names nothing.
        CHECK(derived->summary.reverts_unresolved == 1);
    }

    TEST_CASE("updates: the release that ships a revert pushed earlier opens the incident") {
        auto h = next_release_history();
        const auto before = h.refs();
        const auto tag = h.annotated_tag("v2.0.0", "dddd04");
        const auto derived = derive::updates(before, {{"refs/tags/v2.0.0", "", tag}}, h,
                                             reverts_policy(), 1800000000);
        REQUIRE(derived);
        const auto found = incidents_of(derived->events);
        REQUIRE(found.size() == 1);
        CHECK(found[0].id == "revert-dddd04");
        // v1.0.0 predates the updates: timed as a backfill times it.
        const auto backfilled = derive::backfill(h.refs(), h, {}, {});
        REQUIRE(backfilled);
        CHECK(found[0].created == deployment_time(backfilled->events, "v1.0.0"));
        REQUIRE(derived->incident_spans.size() == 1);
        CHECK(derived->incident_spans[0].opened_by == "v1.0.0");
        CHECK(derived->incident_spans[0].resolved_by == "v2.0.0");
    }

    TEST_CASE("updates: a deploy branch moved back to an ancestor is a rollback") {
        FakeHistory h;
        h.chain({"aaaa01", "bbbb02"});
        h.branch("main", "bbbb02");
        const auto before = h.refs();
        const auto derived = derive::updates(before, {{"refs/heads/main", "bbbb02", "aaaa01"}}, h,
                                             reverts_policy(derive::Strategy::branch), 1800000000);
        REQUIRE(derived);
        const auto found = incidents_of(derived->events);
        REQUIRE(found.size() == 1);
        CHECK(found[0].id == "rollback-bbbb02-aaaa01");
        CHECK(found[0].resolved == 1800000000);
        REQUIRE(derived->incident_spans.size() == 1);
        CHECK(derived->incident_spans[0].opened_by == "bbbb02");
    }

    TEST_CASE("time_incidents takes the deployments' final or recorded times") {
        std::vector<model::Event> events{model::Deployment{"v2", 500, {}, {}, "git"},
                                         model::Incident{"revert-r", 1, 2, "git"},
                                         model::Incident{"rollback-o-n", 1, 900, "git"}};
        const std::vector<derive::IncidentSpan> spans{{"revert-r", "v1", "v2"},
                                                      {"rollback-o-n", "gone", ""}};
        derive::time_incidents(events, spans, [](const std::string& id) {
            return id == "v1" ? std::optional<model::UnixSeconds>(300) : std::nullopt;
        });
        CHECK(std::get<model::Incident>(events[1]).created == 300);
        CHECK(std::get<model::Incident>(events[1]).resolved == 500);
        CHECK(std::get<model::Incident>(events[2]).created == 1);
        CHECK(std::get<model::Incident>(events[2]).resolved == 900);
    }
}
