#include "outbox/push_queue.hpp"

namespace outbox {

namespace {

constexpr const char* k_columns =
    "seq, git_dir, updates, pushed_at, pusher, state, attempts, last_error, notes, next_attempt, "
    "COALESCE(spool_id, '')";

PushState parse_state(const std::string& text) {
    if (text == "derived") {
        return PushState::derived;
    }
    return text == "failed" ? PushState::failed : PushState::waiting;
}

RecordedPush read_push(const Statement& stmt) {
    RecordedPush push;
    push.seq = stmt.integer(0);
    push.git_dir = stmt.text(1);
    push.updates = stmt.text(2);
    push.pushed_at = stmt.integer(3);
    push.pusher = stmt.text(4);
    push.state = parse_state(stmt.text(5));
    push.attempts = stmt.integer(6);
    push.last_error = stmt.text(7);
    push.notes = stmt.text(8);
    push.next_attempt = stmt.integer(9);
    push.spool_id = stmt.text(10);
    return push;
}

std::vector<RecordedPush> read_all(Statement& stmt) {
    std::vector<RecordedPush> pushes;
    while (stmt.step()) {
        pushes.push_back(read_push(stmt));
    }
    return pushes;
}

} // namespace

PushQueue::PushQueue(Database& db) : m_db(db) {}

std::optional<std::int64_t> PushQueue::record(const RecordedPush& push) {
    return record(push, push.updates);
}

std::optional<std::int64_t> PushQueue::record(const RecordedPush& push, std::string_view updates) {
    auto stmt = m_db.prepare("INSERT INTO pushes (git_dir, updates, pushed_at, pusher, spool_id) "
                             "VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING seq");
    // Not copied by SQLite either: `updates` outlives the statement's run.
    stmt.bind(1, push.git_dir).bind_view(2, updates).bind(3, push.pushed_at).bind(4, push.pusher);
    if (push.spool_id.empty()) {
        stmt.bind(5, std::nullopt);
    } else {
        stmt.bind(5, push.spool_id);
    }
    if (!stmt.step()) {
        return std::nullopt;
    }
    const auto seq = stmt.integer(0);
    stmt.run();
    return seq;
}

std::vector<RecordedPush> PushQueue::waiting(model::UnixSeconds now) {
    auto stmt =
        m_db.prepare(std::string("SELECT ") + k_columns +
                     " FROM pushes WHERE state = 'waiting' AND next_attempt <= ? ORDER BY seq");
    stmt.bind(1, now);
    return read_all(stmt);
}

std::vector<RecordedPush> PushQueue::failed() {
    auto stmt = m_db.prepare(std::string("SELECT ") + k_columns +
                             " FROM pushes WHERE state = 'failed' ORDER BY seq");
    return read_all(stmt);
}

std::vector<RecordedPush> PushQueue::later(const std::string& git_dir, std::int64_t seq) {
    auto stmt = m_db.prepare(std::string("SELECT ") + k_columns +
                             " FROM pushes WHERE git_dir = ? AND seq > ? ORDER BY seq");
    stmt.bind(1, git_dir).bind(2, seq);
    return read_all(stmt);
}

std::optional<RecordedPush> PushQueue::find(std::int64_t seq) {
    auto stmt = m_db.prepare(std::string("SELECT ") + k_columns + " FROM pushes WHERE seq = ?");
    stmt.bind(1, seq);
    if (!stmt.step()) {
        return std::nullopt;
    }
    return read_push(stmt);
}

void PushQueue::mark_derived(std::int64_t seq, const std::string& notes, const Transaction&) {
    auto stmt = m_db.prepare("UPDATE pushes SET state = 'derived', attempts = attempts + 1, "
                             "last_error = '', notes = ? WHERE seq = ?");
    stmt.bind(1, notes).bind(2, seq).run();
}

void PushQueue::mark_failed(std::int64_t seq, const std::string& error,
                            std::optional<model::UnixSeconds> next_attempt) {
    auto stmt = m_db.prepare("UPDATE pushes SET attempts = attempts + 1, last_error = ?, "
                             "state = ?, next_attempt = ? WHERE seq = ?");
    stmt.bind(1, error)
        .bind(2, next_attempt ? "waiting" : "failed")
        .bind(3, next_attempt.value_or(0))
        .bind(4, seq)
        .run();
}

void PushQueue::prune() {
    m_db.exec(R"sql(
        DELETE FROM pushes WHERE state = 'derived' AND NOT EXISTS (
            SELECT 1 FROM pushes AS earlier
            WHERE earlier.git_dir = pushes.git_dir AND earlier.seq < pushes.seq
              AND earlier.state = 'waiting'))sql");
}

std::int64_t PushQueue::prune_parked(model::UnixSeconds cutoff) {
    auto stmt = m_db.prepare("DELETE FROM pushes WHERE state = 'failed' AND pushed_at <= ?");
    stmt.bind(1, cutoff).run();
    return m_db.changes();
}

std::int64_t PushQueue::retry_parked(std::optional<std::int64_t> seq) {
    auto stmt = m_db.prepare("UPDATE pushes SET state = 'waiting', next_attempt = 0 "
                             "WHERE state = 'failed' AND (?1 IS NULL OR seq = ?1)");
    if (seq) {
        stmt.bind(1, *seq);
    } else {
        stmt.bind(1, std::nullopt);
    }
    stmt.run();
    return m_db.changes();
}

bool PushQueue::drop_parked(std::int64_t seq) {
    auto stmt = m_db.prepare("DELETE FROM pushes WHERE state = 'failed' AND seq = ?");
    stmt.bind(1, seq).run();
    return m_db.changes() > 0;
}

PushCounts PushQueue::counts() {
    auto stmt = m_db.prepare("SELECT SUM(state = 'waiting'), SUM(state = 'failed') FROM pushes");
    PushCounts counts;
    if (stmt.step()) {
        counts.waiting = stmt.integer(0);
        counts.failed = stmt.integer(1);
    }
    return counts;
}

} // namespace outbox
