#include "pipeline/recorded_pushes.hpp"

#include <doctest/doctest.h>

namespace {

outbox::RecordedPush pushed_at(model::UnixSeconds time) {
    outbox::RecordedPush push;
    push.pushed_at = time;
    return push;
}

} // namespace

TEST_SUITE("pipeline::next_derivation_attempt") {
    TEST_CASE("a push is retried on doubling, jittered delays, capped") {
        const model::RetryPolicy policy{.initial_backoff = 10, .max_backoff = 40};
        const auto push = pushed_at(1000);
        for (int i = 0; i < 50; ++i) {
            const auto first = pipeline::next_derivation_attempt(policy, push, 1, 2000).value();
            CHECK(first >= 2000 + 5);
            CHECK(first <= 2000 + 10);
            const auto third = pipeline::next_derivation_attempt(policy, push, 3, 2000).value();
            CHECK(third >= 2000 + 20);
            CHECK(third <= 2000 + 40);
            const auto tenth = pipeline::next_derivation_attempt(policy, push, 10, 2000).value();
            CHECK(tenth <= 2000 + 40);
        }
    }

    TEST_CASE("a push as old as retry.max_age is parked, not retried") {
        model::RetryPolicy policy;
        policy.max_age = 3600;
        CHECK(pipeline::next_derivation_attempt(policy, pushed_at(1000), 1, 1000 + 3599));
        CHECK_FALSE(pipeline::next_derivation_attempt(policy, pushed_at(1000), 1, 1000 + 3600));
        CHECK_FALSE(pipeline::next_derivation_attempt(policy, pushed_at(1000), 99, 1000 + 9999));
    }
}
