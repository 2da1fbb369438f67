#include "sender/backoff.hpp"

#include <doctest/doctest.h>

TEST_SUITE("sender::backoff") {
    const model::RetryPolicy k_policy{5, 300, 600};

    TEST_CASE("doubles from the initial delay and caps at the maximum") {
        // With unit_random = 1 the jitter adds the full upper half: the raw delay.
        CHECK(sender::backoff_delay(k_policy, 1, 1.0) == 5);
        CHECK(sender::backoff_delay(k_policy, 2, 1.0) == 10);
        CHECK(sender::backoff_delay(k_policy, 3, 1.0) == 20);
        CHECK(sender::backoff_delay(k_policy, 7, 1.0) == 300);
        CHECK(sender::backoff_delay(k_policy, 60, 1.0) == 300);
    }

    TEST_CASE("jitter stays within [delay/2, delay]") {
        CHECK(sender::backoff_delay(k_policy, 4, 0.0) == 20);
        CHECK(sender::backoff_delay(k_policy, 4, 0.5) == 30);
        for (double r = 0.0; r < 1.0; r += 0.05) {
            const long d = sender::backoff_delay(k_policy, 5, r);
            CHECK(d >= 40);
            CHECK(d <= 80);
        }
    }

    TEST_CASE("never waits less than a second") {
        CHECK(sender::backoff_delay({1, 10, 10}, 1, 0.0) == 1);
    }

    TEST_CASE("Retry-After wins over backoff, capped and at least one second") {
        CHECK(sender::retry_delay(k_policy, 1, 42L, 0.0) == 42);
        CHECK(sender::retry_delay(k_policy, 1, 100000L, 0.0) == 600);
        CHECK(sender::retry_delay(k_policy, 1, 0L, 0.0) == 1);
        CHECK(sender::retry_delay(k_policy, 3, std::nullopt, 1.0) == 20);
    }
}
