#include "report/accumulator.hpp"

#include <doctest/doctest.h>

namespace {

using model::UnixSeconds;

// 2024-01-01T00:00:00Z; the window is the ten days from there.
constexpr UnixSeconds k_start = 1704067200;
constexpr UnixSeconds k_hour = 3600;
constexpr UnixSeconds k_day = 86400;
const report::Window k_window{k_start, k_start + 10 * k_day};

model::Envelope change(const std::string& system, const std::string& id, UnixSeconds time) {
    return {system, "test", model::Change{id, time}};
}

model::Envelope deployment(const std::string& system, const std::string& id, UnixSeconds time,
                           std::vector<std::string> changes) {
    return {system, "test", model::Deployment{id, time, changes, {}}};
}

model::Envelope incident(const std::string& system, const std::string& id, UnixSeconds created,
                         UnixSeconds resolved) {
    return {system, "test", model::Incident{id, created, resolved}};
}

// Three systems over the window:
// shop: deployments at the window's start (included), +1 d, +5 d and at its
//   end (excluded), one before it; four changes with lead times 0, 22 h,
//   23 h, 2 d and one listed change with no event; three incidents in the
//   window (one at the very time of a deployment) and two outside.
// billing: one deployment at +4 d (lead time 1 d) and an incident at +2 d,
//   before any deployment of billing.
// search: no deployment in the window; an incident charged to one before it.
std::vector<model::Envelope> history() {
    const auto s = k_start;
    return {
        // Deployments first: the accumulator takes events in any order.
        deployment("shop", "d0", s - k_day, {"c1"}),
        deployment("shop", "d4", s, {}),
        deployment("shop", "d1", s + k_day, {"c2", "c3", "c4"}),
        deployment("shop", "d2", s + 5 * k_day, {"c5", "ghost"}),
        deployment("shop", "d3", s + 10 * k_day, {"c6"}),
        change("shop", "c1", s - 2 * k_day),
        change("shop", "c2", s + k_hour),
        change("shop", "c3", s + 2 * k_hour),
        change("shop", "c4", s + k_day),
        change("shop", "c5", s + 3 * k_day),
        change("shop", "c6", s + 9 * k_day),
        incident("shop", "i0", s + 2 * k_day, s + 2 * k_day + k_hour),
        incident("shop", "i1", s + k_day, s + k_day + 2 * k_hour),
        incident("shop", "i2", s + 6 * k_day, s + 6 * k_day + 3 * k_hour),
        incident("shop", "i3", s - 3 * k_day, s - 2 * k_day),
        incident("shop", "i4", s + 10 * k_day, s + 11 * k_day),
        change("billing", "bc1", s + 3 * k_day),
        deployment("billing", "b1", s + 4 * k_day, {"bc1"}),
        incident("billing", "bi1", s + 2 * k_day, s + 2 * k_day + 2 * k_hour),
        deployment("search", "s0", s - 5 * k_day, {}),
        incident("search", "si1", s + k_hour, s + k_hour + 1800),
        // A change of another system with the id shop lists: not shop's.
        change("billing", "ghost", s),
    };
}

report::Report report_of(const std::vector<model::Envelope>& events,
                         const std::vector<std::string>& systems = {}) {
    report::Accumulator accumulator(k_window, systems);
    for (const auto& event : events) {
        accumulator.add(event);
    }
    return accumulator.report();
}

const report::Keys& system_of(const report::Report& r, const std::string& name) {
    for (const auto& keys : r.systems) {
        if (keys.system == name) {
            return keys;
        }
    }
    FAIL("no system " << name);
    throw std::logic_error("unreachable");
}

} // namespace

TEST_SUITE("report::Accumulator") {
    TEST_CASE("works out the four keys of one system exactly") {
        const auto r = report_of(history());
        const auto& shop = system_of(r, "shop");
        SUBCASE("deployment frequency counts the window's start and not its end") {
            CHECK(shop.frequency.deployments == 3);
            CHECK(shop.frequency.per_day == doctest::Approx(0.3));
            CHECK(shop.frequency.per_week == doctest::Approx(2.1));
            CHECK(shop.frequency.band == report::Band::high);
        }
        SUBCASE("lead time: median and quantiles over every listed change") {
            const auto& lead = shop.lead_time;
            CHECK(lead.changes == 4);
            CHECK(lead.changes_without_event == 1);
            CHECK(*lead.median == doctest::Approx(81000));
            CHECK(*lead.p25 == doctest::Approx(59400));
            CHECK(*lead.p75 == doctest::Approx(105300));
            CHECK(*lead.p90 == doctest::Approx(145800));
            CHECK(lead.band == report::Band::high);
        }
        SUBCASE("failure rate: incidents charged to the last deployment at or before them") {
            const auto& failure = shop.failure_rate;
            CHECK(failure.deployments == 3);
            CHECK(failure.failed_deployments == 2);
            CHECK(failure.incidents == 3);
            CHECK(failure.incidents_charged_to_none == 0);
            CHECK(failure.incidents_charged_before_window == 0);
            CHECK(*failure.rate == doctest::Approx(2.0 / 3));
            CHECK(failure.band == report::Band::low);
            REQUIRE(shop.incidents.size() == 3);
            CHECK(shop.incidents[0].id == "i1");
            CHECK(shop.incidents[0].charged_to == "d1");
            CHECK(shop.incidents[1].charged_to == "d1");
            CHECK(shop.incidents[2].charged_to == "d2");
        }
        SUBCASE("time to restore: mean and median") {
            CHECK(shop.restore.incidents == 3);
            CHECK(*shop.restore.mean == doctest::Approx(7200));
            CHECK(*shop.restore.median == doctest::Approx(7200));
            CHECK(shop.restore.band == report::Band::high);
        }
        SUBCASE("rows: deployments oldest first, the slowest by median lead time") {
            REQUIRE(shop.deployments.size() == 3);
            CHECK(shop.deployments[0].id == "d4");
            CHECK_FALSE(shop.deployments[0].median_lead_time.has_value());
            CHECK(shop.deployments[1].id == "d1");
            CHECK(*shop.deployments[1].median_lead_time == doctest::Approx(79200));
            CHECK(shop.deployments[1].incidents == 2);
            REQUIRE(shop.slowest.size() == 2);
            CHECK(shop.slowest[0].id == "d2");
            CHECK(shop.slowest[0].changes == 1);
            CHECK(shop.slowest[1].id == "d1");
        }
    }

    TEST_CASE("an incident before any deployment of its system is charged to none, and counted") {
        const auto r = report_of(history());
        const auto& billing = system_of(r, "billing");
        CHECK(billing.frequency.deployments == 1);
        CHECK(billing.failure_rate.incidents == 1);
        CHECK(billing.failure_rate.incidents_charged_to_none == 1);
        CHECK(billing.failure_rate.failed_deployments == 0);
        CHECK(*billing.failure_rate.rate == doctest::Approx(0));
        CHECK(billing.failure_rate.band == report::Band::elite);
        CHECK_FALSE(billing.incidents[0].charged_to.has_value());
        CHECK(*billing.lead_time.median == doctest::Approx(86400));
    }

    TEST_CASE("an incident charged to a deployment before the window fails none in it") {
        const auto r = report_of(history());
        const auto& search = system_of(r, "search");
        CHECK(search.frequency.deployments == 0);
        CHECK(search.frequency.band == report::Band::low);
        CHECK(search.failure_rate.incidents == 1);
        CHECK(search.failure_rate.incidents_charged_before_window == 1);
        CHECK(search.incidents[0].charged_to == "s0");
        CHECK_FALSE(search.failure_rate.rate.has_value());
        CHECK_FALSE(search.lead_time.median.has_value());
        CHECK(*search.restore.mean == doctest::Approx(1800));
        CHECK(search.restore.band == report::Band::elite);
    }

    TEST_CASE("the total pools every system") {
        const auto r = report_of(history());
        REQUIRE(r.systems.size() == 3);
        CHECK(r.systems[0].system == "billing");
        const auto& total = r.total;
        CHECK(total.system.empty());
        CHECK(total.frequency.deployments == 4);
        CHECK(total.frequency.per_day == doctest::Approx(0.4));
        CHECK(total.lead_time.changes == 5);
        CHECK(total.lead_time.changes_without_event == 1);
        CHECK(*total.lead_time.median == doctest::Approx(82800));
        CHECK(total.failure_rate.failed_deployments == 2);
        CHECK(total.failure_rate.incidents == 5);
        CHECK(total.failure_rate.incidents_charged_to_none == 1);
        CHECK(total.failure_rate.incidents_charged_before_window == 1);
        CHECK(*total.failure_rate.rate == doctest::Approx(0.5));
        CHECK(*total.restore.mean == doctest::Approx(6120));
        CHECK(*total.restore.median == doctest::Approx(7200));
        CHECK(total.deployments.front().id == "d4");
    }

    TEST_CASE("with systems named, reports on those only, each even with no event") {
        const auto r = report_of(history(), {"billing", "nothing"});
        REQUIRE(r.systems.size() == 2);
        CHECK(r.systems[0].system == "billing");
        CHECK(r.systems[1].system == "nothing");
        CHECK(r.systems[1].frequency.deployments == 0);
        CHECK(r.total.frequency.deployments == 1);
        CHECK(r.total.failure_rate.incidents == 1);
    }

    TEST_CASE("no incident: no failure rate and no restore time, never 0%") {
        const auto r =
            report_of({change("a", "c", k_start), deployment("a", "d", k_start + 60, {"c"})});
        CHECK(r.total.failure_rate.incidents == 0);
        CHECK_FALSE(r.total.failure_rate.rate.has_value());
        CHECK_FALSE(r.total.failure_rate.band.has_value());
        CHECK_FALSE(r.total.restore.mean.has_value());
        CHECK(*r.total.lead_time.median == doctest::Approx(60));
        CHECK(r.total.lead_time.band == report::Band::elite);
    }

    TEST_CASE("an incident resolved before it was created is left out of restore times") {
        const auto r = report_of({incident("a", "i", k_start + k_day, k_start),
                                  incident("a", "j", k_start, k_start + 600)});
        CHECK(r.total.restore.incidents == 2);
        CHECK(r.total.restore.incidents_resolved_before_created == 1);
        CHECK(*r.total.restore.mean == doctest::Approx(600));
    }

    TEST_CASE("of deployments at one time, the incident is charged to the last one taken") {
        const auto r = report_of({deployment("a", "first", k_start, {}),
                                  deployment("a", "second", k_start, {}),
                                  incident("a", "i", k_start, k_start + 60)});
        CHECK(r.total.incidents[0].charged_to == "second");
        CHECK(r.total.failure_rate.failed_deployments == 1);
    }
}
