#include "outbox/outbox.hpp"

#include <algorithm>

// An explicit push's own events, sent at once whatever their backoff, and
// its corrections, which replace what was queued or delivered before.
namespace outbox {

std::vector<Record> Outbox::queued_among(std::span<const Key> keys) {
    std::vector<Record> records;
    for (const auto& key : keys) {
        auto record = find(key.system, key.type, key.id);
        if (record && record->state == State::queued) {
            records.push_back(std::move(*record));
        }
    }
    const auto by_seq = [](const Record& a, const Record& b) { return a.seq < b.seq; };
    const auto same_seq = [](const Record& a, const Record& b) { return a.seq == b.seq; };
    std::sort(records.begin(), records.end(), by_seq);
    records.erase(std::unique(records.begin(), records.end(), same_seq), records.end());
    return records;
}

bool Outbox::requeue(std::int64_t seq, std::string_view environment, std::string_view body) {
    auto stmt =
        m_db.prepare("UPDATE events SET state = 'queued', body = ?, environment = ?, attempts = 0, "
                     "next_attempt = 0, last_status = NULL, last_error = '', response = '', "
                     "delivered_at = NULL, failing_since = NULL WHERE seq = ?");
    stmt.bind(1, body).bind(2, environment).bind(3, seq).run();
    return m_db.changes() > 0;
}

} // namespace outbox
