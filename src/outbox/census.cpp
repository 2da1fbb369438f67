#include "outbox/census.hpp"

#include "outbox/outbox.hpp"
#include "outbox/schema.hpp"

namespace outbox {

Census Outbox::census() {
    Census census;
    auto events = m_db.prepare(std::string("SELECT system, type, CASE state WHEN '") +
                               schema::k_parked_state +
                               "' THEN 'parked' ELSE state END, COUNT(*) FROM events "
                               "GROUP BY system, type, state ORDER BY 1, 2, 3");
    while (events.step()) {
        census.events.push_back(
            {events.text(0), events.text(1), events.text(2), events.integer(3)});
    }
    auto repositories = m_db.prepare(
        "SELECT COUNT(*), COALESCE(SUM(last_error != ''), 0), COALESCE(MAX(last_poll), 0) "
        "FROM watch_repos WHERE watched");
    if (repositories.step()) {
        census.repositories_watched = repositories.integer(0);
        census.repositories_failing = repositories.integer(1);
        census.last_poll = repositories.integer(2);
    }
    auto pushes = m_db.prepare("SELECT COALESCE(SUM(state = 'waiting'), 0), "
                               "COALESCE(SUM(state = 'failed'), 0) FROM pushes");
    if (pushes.step()) {
        census.pushes_waiting = pushes.integer(0);
        census.pushes_parked = pushes.integer(1);
    }
    return census;
}

} // namespace outbox
