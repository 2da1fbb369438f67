#pragma once

#include <chrono>
#include <cstddef>

namespace sender {

// How many requests may be in flight at once, adapted to what the server's
// answers say, in the manner of Vector's adaptive request concurrency:
// starting from one request, the limit doubles every round trip while the
// limit is used and the round trip time stays flat (slow start); after the
// first sign of trouble it grows by one per round trip (additive increase)
// and is cut by 10% on back-pressure (429, 503, a timeout) or on two round
// trips in a row well above the usual (multiplicative decrease). The level where the
// server last pushed back is remembered: the limit reaches it again only
// after a wait that doubles each time the server pushes back there (5 s to
// 60 s), so a server with a hard cap sees a probe now and then, not one per
// round trip.
class ConcurrencyLimit {
public:
    using Clock = std::chrono::steady_clock;

    // Start at one request, never going above `maximum`.
    explicit ConcurrencyLimit(std::size_t maximum);

    // Return how many requests may be in flight now.
    std::size_t current() const { return m_limit; }
    // Return the largest limit this may reach.
    std::size_t maximum() const { return m_maximum; }
    // Say how many requests are in flight now (after starting one).
    void note_in_flight(std::size_t in_flight);
    // Record an answer that was not back-pressure and its round trip time.
    void on_answer(Clock::duration round_trip, Clock::time_point now);
    // Record back-pressure; the limit is cut at most once per round trip.
    void on_back_pressure(Clock::time_point now);
    // Return the smoothed round trip time (zero before the first answer).
    Clock::duration round_trip() const;
    // Start again from one request in slow start (after an outage), keeping
    // what was learnt about the round trip time and the level of trouble.
    void restart();

private:
    // Judge the round trip that just ended: grow, hold or cut the limit.
    void end_interval(Clock::time_point now);
    // Cut the limit; when the server `refused` (back-pressure), remember
    // where.
    void cut(Clock::time_point now, bool refused);
    // Return how long one judging interval lasts: the usual round trip time.
    Clock::duration interval() const;

    std::size_t m_maximum;
    std::size_t m_limit = 1;
    bool m_slow_start = true;
    // The limit at which trouble last came (0: none remembered).
    std::size_t m_ceiling = 0;
    Clock::duration m_probe_wait;
    Clock::time_point m_probe_at{};
    Clock::time_point m_last_cut{};
    // Round trip times in seconds: smoothed, and the usual one (the baseline
    // a rising round trip time is measured against).
    double m_smoothed = 0;
    double m_baseline = 0;
    // The interval being judged.
    Clock::time_point m_interval_start{};
    bool m_interval_open = false;
    double m_sum = 0;
    std::size_t m_count = 0;
    bool m_limit_reached = false;
    // Rising intervals in a row.
    int m_rising = 0;
};

} // namespace sender
