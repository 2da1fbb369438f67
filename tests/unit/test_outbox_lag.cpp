#include "outbox/outbox.hpp"
#include "temp_dir.hpp"

#include <doctest/doctest.h>

namespace {

model::Envelope change(const std::string& id) {
    return {"shop", "test", model::Change{id, 1602848432}};
}

} // namespace

TEST_SUITE("outbox::Lag") {
    TEST_CASE("an empty outbox lags not at all") {
        test_support::TempDir dir;
        auto box = model::value_or_throw(outbox::Outbox::open(dir.path() / "outbox.db"));
        const auto lag = box.lag(model::now());
        CHECK(lag.queued == 0);
        CHECK_FALSE(lag.oldest_queued_at);
        CHECK_FALSE(lag.failing_since);
        CHECK(lag.oldest_age() == 0);
        CHECK(lag.delivered_in_window == 0);
        CHECK(lag.window == outbox::k_lag_window);
        CHECK(lag.per_minute() == 0.0);
    }

    TEST_CASE("the oldest queued event ages until it is delivered") {
        test_support::TempDir dir;
        auto box = model::value_or_throw(outbox::Outbox::open(dir.path() / "outbox.db"));
        const auto queued_at = model::now();
        const std::vector<model::Envelope> events = {change("a"), change("b"), change("c")};
        box.enqueue(events);
        auto lag = box.lag(queued_at + 100);
        CHECK(lag.queued == 3);
        REQUIRE(lag.oldest_queued_at);
        CHECK(*lag.oldest_queued_at >= queued_at);
        CHECK(lag.oldest_age() >= 99);
        CHECK(lag.oldest_age() <= 100);

        // Two delivered 30 s before the lag is read, one failing since then.
        const auto due = box.due(queued_at + 100, 10);
        REQUIRE(due.size() == 3);
        box.mark_delivered(due[0].seq, 200, queued_at + 70);
        box.mark_delivered(due[1].seq, 200, queued_at + 70);
        box.mark_retry(due[2].seq, 503, "HTTP 503", queued_at + 200);
        lag = box.lag(queued_at + 100);
        CHECK(lag.queued == 1);
        CHECK(lag.delivered_in_window == 2);
        CHECK(lag.per_minute() == doctest::Approx(2 * 60.0 / outbox::k_lag_window));
        REQUIRE(lag.failing_since);
        CHECK(*lag.failing_since >= queued_at);

        // Past the window the deliveries no longer count; the age goes on.
        lag = box.lag(queued_at + 70 + outbox::k_lag_window + 1);
        CHECK(lag.delivered_in_window == 0);
        CHECK(lag.oldest_age() >= outbox::k_lag_window);
    }
}
