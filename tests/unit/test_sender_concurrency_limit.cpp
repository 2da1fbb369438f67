#include "sender/concurrency_limit.hpp"

#include <doctest/doctest.h>
#include <vector>

namespace {

using namespace std::chrono_literals;
using Clock = sender::ConcurrencyLimit::Clock;

// Drives a limit through round trips of a given length, on a clock of its own.
struct Driver {
    sender::ConcurrencyLimit limit;
    Clock::time_point now = Clock::time_point{} + 1000s;

    explicit Driver(std::size_t maximum) : limit(maximum) {}

    // One round trip with the limit used to the full, every answer taking `rtt`.
    void round_trip(Clock::duration rtt = 50ms) {
        limit.note_in_flight(limit.current());
        // A little more than the round trip passes between two batches of answers.
        now += rtt + 1ms;
        for (std::size_t i = 0; i < limit.current(); ++i) {
            limit.on_answer(rtt, now);
        }
    }

    // Round trips until `when` has passed.
    void run_for(Clock::duration how_long) {
        const auto until = now + how_long;
        while (now < until) {
            round_trip();
        }
    }
};

} // namespace

TEST_SUITE("sender::ConcurrencyLimit") {
    TEST_CASE("starts at one and doubles every round trip up to the maximum") {
        Driver d(64);
        CHECK(d.limit.current() == 1);
        std::vector<std::size_t> seen;
        for (int i = 0; i < 8; ++i) {
            d.round_trip();
            seen.push_back(d.limit.current());
        }
        CHECK(seen == std::vector<std::size_t>{2, 4, 8, 16, 32, 64, 64, 64});
        CHECK(d.limit.round_trip() == 50ms);
    }

    TEST_CASE("does not grow while the limit is not used") {
        Driver d(64);
        for (int i = 0; i < 5; ++i) {
            d.now += 50ms;
            d.limit.on_answer(50ms, d.now);
        }
        CHECK(d.limit.current() == 1);
    }

    TEST_CASE("back-pressure in slow start halves, then it grows by one per round trip") {
        Driver d(64);
        for (int i = 0; i < 5; ++i) {
            d.round_trip();
        }
        REQUIRE(d.limit.current() == 32);
        d.limit.on_back_pressure(d.now);
        CHECK(d.limit.current() == 16);
        // Further push-back within the same round trip is the same trouble.
        d.limit.on_back_pressure(d.now + 10ms);
        CHECK(d.limit.current() == 16);
        d.round_trip();
        CHECK(d.limit.current() == 17);
        d.round_trip();
        CHECK(d.limit.current() == 18);
    }

    TEST_CASE("the level where trouble came is reached again only after a doubling wait") {
        Driver d(64);
        for (int i = 0; i < 5; ++i) {
            d.round_trip();
        }
        d.limit.on_back_pressure(d.now); // slow start ends at 16, trouble at 32
        d.round_trip();
        REQUIRE(d.limit.current() == 17);
        d.limit.on_back_pressure(d.now); // a hard cap at 16: trouble at 17
        CHECK(d.limit.current() == 15);
        // Below the level of trouble it grows again at once; to it only 5 s later.
        auto cut = d.now;
        d.round_trip();
        CHECK(d.limit.current() == 16);
        while (d.limit.current() == 16 && d.now - cut < 60s) {
            d.round_trip();
        }
        CHECK(d.limit.current() == 17);
        CHECK(d.now - cut >= 5s);
        CHECK(d.now - cut < 5s + 100ms);
        // Pushed back there again: the wait doubles.
        d.limit.on_back_pressure(d.now);
        CHECK(d.limit.current() == 15);
        cut = d.now;
        while (d.limit.current() < 17 && d.now - cut < 60s) {
            d.round_trip();
        }
        CHECK(d.now - cut >= 10s);
        CHECK(d.now - cut < 10s + 100ms);
        // A whole round trip at the old level of trouble went well: it is forgotten.
        d.round_trip();
        d.round_trip();
        CHECK(d.limit.current() == 19);
    }

    TEST_CASE("two round trips in a row well above the usual are trouble, one is a stall") {
        sender::ConcurrencyLimit limit(64);
        auto now = Clock::time_point{} + 1000s;
        // One answer per round trip, each closing a judged interval.
        const auto answer = [&](Clock::duration rtt) {
            limit.note_in_flight(limit.current());
            now += 51ms;
            limit.on_answer(rtt, now);
        };
        for (int i = 0; i < 6; ++i) {
            answer(50ms);
        }
        REQUIRE(limit.current() == 64);
        answer(200ms);
        CHECK(limit.current() == 64);
        answer(50ms);
        CHECK(limit.current() == 64);
        answer(200ms);
        answer(200ms);
        CHECK(limit.current() == 32); // the first trouble ends slow start: halved
        // Queueing, not a refusal: no level of trouble to wait at, it grows straight back.
        for (int i = 0; i < 40; ++i) {
            answer(50ms);
        }
        CHECK(limit.current() == 64);
    }

    TEST_CASE("restart goes back to one request in slow start") {
        Driver d(8);
        for (int i = 0; i < 4; ++i) {
            d.round_trip();
        }
        REQUIRE(d.limit.current() == 8);
        d.limit.restart();
        CHECK(d.limit.current() == 1);
        d.round_trip();
        CHECK(d.limit.current() == 2);
    }

    TEST_CASE("a maximum of one never grows") {
        Driver d(1);
        d.run_for(1s);
        CHECK(d.limit.current() == 1);
        CHECK(d.limit.maximum() == 1);
    }
}
