#include "outbox/outbox.hpp"

#include "outbox/creation.hpp"
#include "outbox/files.hpp"
#include "outbox/schema.hpp"

#include <chrono>
#include <nlohmann/json.hpp>

namespace outbox {

using namespace schema;

namespace {

// How long a process waits for another one's write before it gives up.
constexpr std::chrono::milliseconds k_busy_timeout{30000};

// The WAL size past which the closing process empties it: each process
// rebuilds the WAL's index when it opens the outbox, reading the whole WAL.
constexpr std::uintmax_t k_wal_trim_size = 1024 * 1024;

// How many events each() reads at a time.
constexpr std::size_t k_page_size = 512;

constexpr const char* k_record_columns =
    "seq, system, type, id, environment, body, state, attempts, next_attempt, last_status, "
    "last_error, response";

State parse_state(const std::string& text) {
    if (text == "delivered") {
        return State::delivered;
    }
    return text == "rejected" ? State::rejected : State::queued;
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
    return r;
}

} // namespace

std::string_view state_name(State state) {
    switch (state) {
    case State::queued:
        return "queued";
    case State::delivered:
        return "delivered";
    case State::rejected:
        return "rejected";
    }
    return "unknown";
}

Outbox::Outbox(std::filesystem::path path, Database db)
    : m_path(std::move(path)), m_db(std::move(db)) {}

Outbox::~Outbox() {
    if (m_db.handle() != nullptr) {
        trim_wal();
    }
}

void Outbox::trim_wal() noexcept {
    std::error_code ec;
    const auto size = std::filesystem::file_size(wal_path(m_path), ec);
    if (ec || size < k_wal_trim_size) {
        return;
    }
    try {
        m_db.exec("PRAGMA busy_timeout = 0");
        m_db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    } catch (const model::Failure&) {
        // Busy: whoever uses the outbox now trims it when it closes.
    }
}

model::Expected<Outbox> Outbox::open(const std::filesystem::path& path) {
    TRY(prepare_outbox_file(path));
    try {
        Outbox outbox(path, Database(path));
        outbox.migrate();
        return outbox;
    } catch (const model::Failure& e) {
        return model::fail(e.what());
    }
}

void Outbox::migrate() {
    m_db.exec("PRAGMA busy_timeout = " + std::to_string(k_busy_timeout.count()));
    // Processes that open a new outbox at the same moment race to switch it
    // to WAL, which takes an exclusive lock without waiting on busy_timeout.
    // 16 KiB pages: a 100k-event backfill writes a third fewer pages than with
    // the 4 KiB default. It only takes effect on a new file, before WAL.
    m_db.exec("PRAGMA page_size = 16384");
    m_db.exec_patiently("PRAGMA journal_mode = WAL", k_busy_timeout);
    m_db.exec("PRAGMA synchronous = FULL");
    // Most users are short processes (a push, a hook): checkpointing at each
    // exit cost them two more fsyncs, and a new WAL two more; the WAL now
    // stays, bounded by trim_wal().
    m_db.keep_wal_on_close();
    if (!schema_ready()) {
        create_schema();
    }
}

void Outbox::create_schema() {
    Transaction tx(m_db);
    m_db.exec(k_events_table);
    m_db.exec(k_pushes_table);
    if (!has_column("pushes", "next_attempt")) {
        m_db.exec(k_pushes_next_attempt);
    }
    if (!has_column("pushes", "spool_id")) {
        m_db.exec(k_pushes_spool_id);
    }
    m_db.exec(k_pushes_spool_index);
    m_db.exec(k_watch_tables);
    if (!keyed_by_constraint()) {
        m_db.exec(k_indexes);
    }
    tx.commit();
}

Outbox Outbox::open_unpublished(const std::filesystem::path& path) {
    Outbox outbox(path, Database(path));
    outbox.m_db.exec("PRAGMA page_size = 16384");
    // The journal stays in memory: a bulk load may still roll back a
    // savepoint, but a crash only leaves a temporary file nobody uses.
    outbox.m_db.exec("PRAGMA journal_mode = MEMORY");
    outbox.m_db.exec("PRAGMA synchronous = OFF");
    outbox.create_schema();
    return outbox;
}

bool Outbox::schema_ready() {
    auto stmt = m_db.prepare(
        "SELECT COUNT(*) FROM sqlite_master WHERE name IN "
        "('events', 'notes', 'pushes', 'pushes_by_repository', 'watch_repos', 'watch_refs', "
        "'events_queued', 'events_key', 'pushes_by_spool_id', ?)");
    stmt.bind(1, k_constraint_index);
    stmt.step();
    // The five tables, the three indexes and the key in either of its shapes.
    return stmt.integer(0) == 9 && has_column("pushes", "next_attempt") &&
           has_column("pushes", "spool_id");
}

bool Outbox::has_column(const char* table, const char* column) {
    auto stmt = m_db.prepare("SELECT 1 FROM pragma_table_info(?) WHERE name = ?");
    stmt.bind(1, table).bind(2, column);
    return stmt.step();
}

bool Outbox::keyed_by_constraint() {
    auto stmt = m_db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?");
    stmt.bind(1, k_constraint_index);
    return stmt.step();
}

std::vector<Record> Outbox::due(model::UnixSeconds now, std::size_t limit) {
    auto stmt = m_db.prepare(std::string(R"sql(
        WITH blocked AS (
            SELECT system, MIN(seq) AS first FROM events
            WHERE state = 'queued' AND next_attempt > ?1 GROUP BY system)
        SELECT )sql") + k_record_columns +
                             R"sql( FROM events
        LEFT JOIN blocked USING (system)
        WHERE state = 'queued' AND next_attempt <= ?1
          AND (blocked.first IS NULL OR seq < blocked.first)
        ORDER BY seq LIMIT ?2)sql");
    stmt.bind(1, now).bind(2, static_cast<std::int64_t>(limit));
    std::vector<Record> records;
    while (stmt.step()) {
        records.push_back(read_record(stmt));
    }
    return records;
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
    auto stmt = m_db.prepare("UPDATE events SET attempts = attempts + 1, last_status = ?, "
                             "last_error = ?, next_attempt = ? WHERE seq = ?");
    if (status) {
        stmt.bind(1, static_cast<std::int64_t>(*status));
    } else {
        stmt.bind(1, std::nullopt);
    }
    stmt.bind(2, error).bind(3, next_attempt).bind(4, seq).run();
}

void Outbox::mark_rejected(std::int64_t seq, long status, const std::string& error,
                           const std::string& response) {
    auto stmt = m_db.prepare("UPDATE events SET state = 'rejected', attempts = attempts + 1, "
                             "last_status = ?, last_error = ?, response = ? WHERE seq = ?");
    stmt.bind(1, static_cast<std::int64_t>(status)).bind(2, error).bind(3, response).bind(4, seq);
    stmt.run();
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
            (state == State::delivered ? counts.delivered : counts.rejected) = n;
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
            page.bind(1, state_name(*state));
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
