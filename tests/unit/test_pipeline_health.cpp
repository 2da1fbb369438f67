#include "pipeline/health.hpp"

#include <doctest/doctest.h>

namespace {

pipeline::HealthFacts healthy() {
    pipeline::HealthFacts facts;
    facts.now = 10'000;
    facts.failing_after = 600;
    facts.last_poll = 9'990;
    facts.queued = 2;
    facts.oldest_age = 5;
    return facts;
}

} // namespace

TEST_SUITE("pipeline::judge_health") {
    TEST_CASE("progress on both sides is OK") {
        const auto health = pipeline::judge_health(healthy());
        CHECK(health.level == pipeline::HealthLevel::ok);
        CHECK(health.reason == "2 queued, the oldest 5 s old");
    }

    TEST_CASE("delivery failing up to the threshold is OK, past it CRITICAL") {
        auto facts = healthy();
        facts.failing_since = facts.now - 600;
        facts.delivery_problem = "HTTP 503";
        CHECK(pipeline::judge_health(facts).level == pipeline::HealthLevel::ok);
        facts.failing_since = facts.now - 601;
        const auto health = pipeline::judge_health(facts);
        CHECK(health.level == pipeline::HealthLevel::critical);
        CHECK(health.reason.starts_with("delivery failing for 601 s (more than 600 s): HTTP 503"));
    }

    TEST_CASE("polling that stalled is CRITICAL; nothing to poll is not judged") {
        auto facts = healthy();
        facts.last_poll = facts.now - 1000;
        auto health = pipeline::judge_health(facts);
        CHECK(health.level == pipeline::HealthLevel::critical);
        CHECK(health.reason.starts_with("no poll for 1000 s"));
        facts.last_poll = 0;
        CHECK(pipeline::judge_health(facts).reason.starts_with("no poll finished yet"));
        facts.last_poll.reset();
        CHECK(pipeline::judge_health(facts).level == pipeline::HealthLevel::ok);
    }

    TEST_CASE("failing repositories and parked events WARN, with every reason") {
        auto facts = healthy();
        facts.repositories_failing = 1;
        facts.parked = 3;
        const auto health = pipeline::judge_health(facts);
        CHECK(health.level == pipeline::HealthLevel::warning);
        CHECK(health.reason ==
              "1 repository failing; 3 events parked; 2 queued, the oldest 5 s old");
        CHECK(pipeline::level_name(health.level) == "WARNING");
        facts.queued = 0;
        CHECK(pipeline::judge_health(facts).reason ==
              "1 repository failing; 3 events parked; nothing queued");
        CHECK(static_cast<int>(pipeline::HealthLevel::unknown) == 3);
    }
}
