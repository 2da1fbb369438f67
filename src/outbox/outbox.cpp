#include "outbox/outbox.hpp"

#include "outbox/schema.hpp"

#include <nlohmann/json.hpp>

namespace outbox {

using namespace schema;

namespace {

// How many events each() reads at a time.
constexpr std::size_t k_page_size = 512;

constexpr const char* k_record_columns =
    "seq, system, type, id, environment, body, state, attempts, next_attempt, last_status, "
    "last_error, response, failing_since";

State parse_state(const std::string& text) {
    if (text == "delivered") {
        return State::delivered;
    }
    return text == k_parked_state ? State::parked : State::queued;
}

std::string_view stored_name(State state) {
    return state == State::parked ? k_parked_state : state_name(state);
}

Record read_record(const Statement& stmt) {
    Record r;
    r.seq = stmt.integer(0);
    r.system = stmt.text(1);
    r.type = stmt.text(2);
    r.id = stmt.text(3);
    r.environment = stmt.text(4);
    r.body = stmt.text(5);
    r.state = parse_state(stmt.text(6));
    r.attempts = stmt.integer(7);
    r.next_attempt = stmt.integer(8);
    if (!stmt.is_null(9)) {
        r.last_status = stmt.integer(9);
    }
    r.last_error = stmt.text(10);
    r.response = stmt.text(11);
    if (!stmt.is_null(12)) {
        r.failing_since = stmt.integer(12);
    }
    return r;
}

} // namespace

std::string_view state_name(State state) {
    switch (state) {
    case State::queued:
        return "queued";
    case State::delivered:
        return "delivered";
    case State::parked:
        return "parked";
    }
    return "unknown";
}

std::optional<State> parse_state_name(std::string_view name) {
    for (const auto state : {State::queued, State::delivered, State::parked}) {
        if (name == state_name(state)) {
            return state;
        }
    }
    return name == "rejected" ? std::optional(State::parked) : std::nullopt;
}

std::vector<Record> Outbox::due(model::UnixSeconds now, std::size_t limit, std::int64_t after) {
    auto stmt = m_db.prepare(std::string("SELECT ") + k_record_columns +
                             " FROM events WHERE state = 'queued' AND seq > ?1 AND "
                             "next_attempt <= ?2 ORDER BY seq LIMIT ?3");
    stmt.bind(1, after).bind(2, now).bind(3, static_cast<std::int64_t>(limit));
    std::vector<Record> records;
    while (stmt.step()) {
        records.push_back(read_record(stmt));
    }
    return records;
}

std::vector<std::string> Outbox::queued_changes_of(std::int64_t deployment_seq) {
    // The deployment's own body lists the changes: SQLite reads the list
    // (json_each) and looks each up in the key index.
    auto stmt = m_db.prepare(R"sql(
        SELECT change.id FROM events AS deployment, json_each(deployment.body, '$.changes') AS listed
        JOIN events AS change ON change.id = listed.value AND change.type = 'change'
            AND change.system = deployment.system AND change.state = 'queued'
        WHERE deployment.seq = ?1 AND json_valid(deployment.body))sql");
    stmt.bind(1, deployment_seq);
    std::vector<std::string> ids;
    while (stmt.step()) {
        ids.push_back(stmt.text(0));
    }
    return ids;
}

void Outbox::mark_delivered(std::int64_t seq, long status, model::UnixSeconds now) {
    if (!m_mark_delivered) {
        m_mark_delivered = m_db.prepare("UPDATE events SET state = 'delivered', attempts = "
                                        "attempts + 1, last_status = ?, "
                                        "last_error = '', delivered_at = ? WHERE seq = ?");
    }
    // A lost "delivered" mark only means a resend, so this write skips the
    // fsync that "queued" needs; WAL still keeps it across a process crash.
    // The PRAGMAs are not prepared once: they act when compiled, not when run.
    // FULL comes back even on failure, or the next enqueue would not sync.
    m_db.exec("PRAGMA synchronous = NORMAL");
    try {
        m_mark_delivered->bind(1, static_cast<std::int64_t>(status)).bind(2, now).bind(3, seq);
        m_mark_delivered->run();
    } catch (...) {
        m_db.exec("PRAGMA synchronous = FULL");
        throw;
    }
    m_db.exec("PRAGMA synchronous = FULL");
}

void Outbox::mark_retry(std::int64_t seq, std::optional<long> status, const std::string& error,
                        model::UnixSeconds next_attempt) {
    auto stmt =
        m_db.prepare("UPDATE events SET attempts = attempts + 1, last_status = ?, last_error = ?, "
                     "next_attempt = ?, failing_since = COALESCE(failing_since, ?) WHERE seq = ?");
    if (status) {
        stmt.bind(1, static_cast<std::int64_t>(*status));
    } else {
        stmt.bind(1, std::nullopt);
    }
    stmt.bind(2, error).bind(3, next_attempt).bind(4, model::now()).bind(5, seq).run();
}

void Outbox::mark_parked(std::int64_t seq, std::optional<long> status, const std::string& error,
                         const std::string& response) {
    auto stmt = m_db.prepare("UPDATE events SET state = ?, attempts = attempts + 1, "
                             "last_status = ?, last_error = ?, response = ? WHERE seq = ?");
    stmt.bind(1, stored_name(State::parked));
    if (status) {
        stmt.bind(2, static_cast<std::int64_t>(*status));
    } else {
        stmt.bind(2, std::nullopt);
    }
    stmt.bind(3, error).bind(4, response).bind(5, seq).run();
}

std::optional<Record> Outbox::find(std::string_view system, std::string_view type,
                                   std::string_view id) {
    auto stmt = m_db.prepare(std::string("SELECT ") + k_record_columns +
                             " FROM events WHERE system = ? AND type = ? AND id = ?");
    stmt.bind(1, system).bind(2, type).bind(3, id);
    if (!stmt.step()) {
        return std::nullopt;
    }
    return read_record(stmt);
}

std::optional<model::UnixSeconds> Outbox::change_time(std::string_view system,
                                                      std::string_view id) {
    return time_created(system, model::EventType::change, id);
}

std::optional<model::UnixSeconds> Outbox::deployment_time(std::string_view system,
                                                          std::string_view id) {
    return time_created(system, model::EventType::deployment, id);
}

std::optional<model::UnixSeconds> Outbox::time_created(std::string_view system,
                                                       model::EventType type, std::string_view id) {
    const auto record = find(system, model::type_name(type), id);
    if (!record) {
        return std::nullopt;
    }
    const auto body = nlohmann::json::parse(record->body, nullptr, false);
    const auto time = body.is_object() ? body.find("time_created") : body.end();
    if (time == body.end() || !time->is_string()) {
        return std::nullopt;
    }
    const auto parsed = model::parse_time(time->get<std::string>());
    return parsed ? std::optional(*parsed) : std::nullopt;
}

Counts Outbox::counts(model::UnixSeconds now) {
    auto stmt = m_db.prepare("SELECT state, COUNT(*), SUM(state = 'queued' AND "
                             "next_attempt > ?) FROM events "
                             "GROUP BY state");
    stmt.bind(1, now);
    Counts counts;
    while (stmt.step()) {
        const auto state = parse_state(stmt.text(0));
        const auto n = stmt.integer(1);
        if (state == State::queued) {
            counts.queued = n;
            counts.waiting = stmt.integer(2);
        } else {
            (state == State::delivered ? counts.delivered : counts.parked) = n;
        }
    }
    return counts;
}

void Outbox::each(std::optional<State> state, const std::function<void(const Record&)>& visit) {
    auto page = m_db.prepare(std::string("SELECT ") + k_record_columns +
                             " FROM events WHERE seq > ?2 AND (?1 IS NULL OR state = ?1) "
                             "ORDER BY seq LIMIT ?3");
    std::int64_t last = 0;
    for (bool full = true; full;) {
        // Each page reads afresh from where the last ended: no read lasts as
        // long as the caller's output, which may wait on a pager.
        std::vector<Record> records;
        records.reserve(k_page_size);
        if (state) {
            page.bind(1, stored_name(*state));
        } else {
            page.bind(1, std::nullopt);
        }
        page.bind(2, last).bind(3, static_cast<std::int64_t>(k_page_size));
        while (page.step()) {
            records.push_back(read_record(page));
        }
        page.reset();
        for (const auto& record : records) {
            visit(record);
        }
        full = records.size() == k_page_size;
        last = records.empty() ? last : records.back().seq;
    }
}

std::vector<Record> Outbox::list(std::optional<State> state) {
    std::vector<Record> records;
    each(state, [&records](const Record& record) { records.push_back(record); });
    return records;
}

std::string Outbox::note(std::string_view key) {
    auto stmt = m_db.prepare("SELECT value FROM notes WHERE key = ?");
    stmt.bind(1, key);
    return stmt.step() ? stmt.text(0) : std::string();
}

void Outbox::set_note(std::string_view key, std::string_view value) {
    auto stmt = m_db.prepare("INSERT INTO notes (key, value) VALUES (?, ?) "
                             "ON CONFLICT (key) DO UPDATE SET value = excluded.value");
    stmt.bind(1, key).bind(2, value).run();
}

} // namespace outbox
