#include "outbox/lag.hpp"

#include "outbox/outbox.hpp"

#include <algorithm>

namespace outbox {

std::int64_t Lag::oldest_age() const {
    return oldest_queued_at ? std::max<std::int64_t>(0, at - *oldest_queued_at) : 0;
}

double Lag::per_minute() const {
    return window > 0
               ? static_cast<double>(delivered_in_window) * 60.0 / static_cast<double>(window)
               : 0.0;
}

Lag Outbox::lag(model::UnixSeconds now, std::int64_t window) {
    Lag lag;
    lag.window = window;
    lag.at = now;
    // Both read a partial index: the queued events, and the delivered ones a
    // prune has not compacted (all of the window's, unless retention is 0 days).
    auto queued = m_db.prepare(
        "SELECT COUNT(*), MIN(queued_at), MIN(failing_since) FROM events WHERE state = 'queued'");
    if (queued.step()) {
        lag.queued = queued.integer(0);
        if (!queued.is_null(1)) {
            lag.oldest_queued_at = queued.integer(1);
        }
        if (!queued.is_null(2)) {
            lag.failing_since = queued.integer(2);
        }
    }
    auto delivered = m_db.prepare("SELECT COUNT(*) FROM events WHERE state = 'delivered' AND "
                                  "environment != '' AND delivered_at > ?");
    delivered.bind(1, now - window);
    if (delivered.step()) {
        lag.delivered_in_window = delivered.integer(0);
    }
    return lag;
}

} // namespace outbox
