#include "sender/concurrency_limit.hpp"

#include <algorithm>
#include <cmath>

namespace sender {

namespace {

using namespace std::chrono_literals;

// The cut on back-pressure or a rising round trip time.
constexpr double k_decrease = 0.9;
// A round trip this much above the baseline (times, plus the margin that
// keeps loopback's jitter of a millisecond from counting) is rising.
constexpr double k_rising_ratio = 1.5;
constexpr double k_rising_margin = 0.002;
// How many rising round trips in a row make a cut.
constexpr int k_rising_intervals = 2;
// How fast the smoothed and usual round trip times follow the samples.
constexpr double k_smoothing = 0.125;
constexpr double k_baseline_weight = 0.1;
// No interval is shorter than this, whatever the round trip time.
constexpr auto k_shortest_interval = 10ms;
// The wait before the limit returns to where trouble came: doubled on each
// push-back there, up to the longest.
constexpr auto k_first_probe_wait = 5s;
constexpr auto k_longest_probe_wait = 60s;

double seconds(ConcurrencyLimit::Clock::duration d) {
    return std::chrono::duration<double>(d).count();
}

} // namespace

ConcurrencyLimit::ConcurrencyLimit(std::size_t maximum)
    : m_maximum(std::max<std::size_t>(1, maximum)), m_probe_wait(k_first_probe_wait) {}

void ConcurrencyLimit::note_in_flight(std::size_t in_flight) {
    if (in_flight >= m_limit) {
        m_limit_reached = true;
    }
}

void ConcurrencyLimit::on_answer(Clock::duration round_trip, Clock::time_point now) {
    const double sample = seconds(round_trip);
    m_smoothed = m_smoothed == 0 ? sample : m_smoothed + k_smoothing * (sample - m_smoothed);
    m_sum += sample;
    ++m_count;
    if (!m_interval_open) {
        m_interval_open = true;
        m_interval_start = now - round_trip;
    }
    if (now - m_interval_start >= interval()) {
        end_interval(now);
    }
}

void ConcurrencyLimit::on_back_pressure(Clock::time_point now) {
    if (m_last_cut != Clock::time_point{} && now - m_last_cut < interval()) {
        return;
    }
    cut(now, true);
}

ConcurrencyLimit::Clock::duration ConcurrencyLimit::round_trip() const {
    return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(m_smoothed));
}

void ConcurrencyLimit::restart() {
    m_limit = 1;
    m_slow_start = true;
    m_interval_open = false;
    m_sum = 0;
    m_count = 0;
    m_limit_reached = false;
}

void ConcurrencyLimit::end_interval(Clock::time_point now) {
    const double mean = m_count ? m_sum / static_cast<double>(m_count) : m_smoothed;
    const bool reached = m_limit_reached;
    m_interval_open = true;
    m_interval_start = now;
    m_sum = 0;
    m_count = 0;
    m_limit_reached = false;
    if (m_baseline == 0) {
        m_baseline = mean;
    }
    if (mean > m_baseline * k_rising_ratio + k_rising_margin) {
        // Two slow round trips in a row are queueing somewhere (one is a
        // stall: a busy machine, a pause of the server's): cut, but remember
        // no level of trouble, as the server refused nothing.
        if (++m_rising >= k_rising_intervals &&
            (m_last_cut == Clock::time_point{} || now - m_last_cut >= interval())) {
            m_rising = 0;
            cut(now, false);
        }
        return;
    }
    m_rising = 0;
    m_baseline += k_baseline_weight * (mean - m_baseline);
    if (!reached || m_limit >= m_maximum) {
        return;
    }
    if (m_slow_start) {
        m_limit = std::min(m_maximum, m_limit * 2);
        return;
    }
    const std::size_t next = m_limit + 1;
    if (m_ceiling != 0 && next >= m_ceiling && now < m_probe_at) {
        return;
    }
    if (m_ceiling != 0 && m_limit >= m_ceiling) {
        // A whole interval at the old level of trouble went well: forget it.
        m_ceiling = 0;
        m_probe_wait = k_first_probe_wait;
    }
    m_limit = next;
}

void ConcurrencyLimit::cut(Clock::time_point now, bool refused) {
    const bool probing = refused && m_ceiling != 0 && m_limit >= m_ceiling;
    m_last_cut = now;
    if (refused) {
        m_ceiling = m_limit;
    }
    if (m_slow_start) {
        m_slow_start = false;
        m_limit = std::max<std::size_t>(1, m_limit / 2);
    } else {
        m_limit = std::max<std::size_t>(
            1, static_cast<std::size_t>(std::floor(static_cast<double>(m_limit) * k_decrease)));
    }
    if (probing) {
        m_probe_wait = std::min<Clock::duration>(m_probe_wait * 2, k_longest_probe_wait);
    }
    if (refused) {
        m_probe_at = now + m_probe_wait;
    }
    m_interval_open = true;
    m_interval_start = now;
    m_sum = 0;
    m_count = 0;
    m_limit_reached = false;
}

ConcurrencyLimit::Clock::duration ConcurrencyLimit::interval() const {
    const auto usual = std::chrono::duration_cast<Clock::duration>(
        std::chrono::duration<double>(m_baseline != 0 ? m_baseline : m_smoothed));
    return std::max<Clock::duration>(usual, k_shortest_interval);
}

} // namespace sender
