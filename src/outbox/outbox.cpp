#include "outbox/outbox.hpp"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fcntl.h>
#include <future>
#include <sys/stat.h>
#include <unistd.h>

namespace outbox {

// The events of one enqueue, each with the system it goes to and the
// environment that sent it: envelopes, or events that share both.
class Outbox::Rows {
public:
    explicit Rows(std::span<const model::Envelope> envelopes) : m_envelopes(envelopes) {}
    Rows(std::string_view system, std::string_view environment,
         std::span<const model::Event> events)
        : m_system(system), m_environment(environment), m_events(events) {}

    std::size_t size() const { return m_envelopes.empty() ? m_events.size() : m_envelopes.size(); }
    const model::Event& event(std::size_t i) const {
        return m_envelopes.empty() ? m_events[i] : m_envelopes[i].event;
    }
    std::string_view system(std::size_t i) const {
        return m_envelopes.empty() ? m_system : m_envelopes[i].system;
    }
    std::string_view environment(std::size_t i) const {
        return m_envelopes.empty() ? m_environment : m_envelopes[i].environment;
    }

private:
    std::span<const model::Envelope> m_envelopes;
    std::string_view m_system;
    std::string_view m_environment;
    std::span<const model::Event> m_events;
};

namespace {

constexpr const char* k_events_table = R"sql(
CREATE TABLE IF NOT EXISTS events (
    seq          INTEGER PRIMARY KEY,
    system       TEXT NOT NULL,
    type         TEXT NOT NULL,
    id           TEXT NOT NULL,
    environment  TEXT NOT NULL,
    body         TEXT NOT NULL,
    state        TEXT NOT NULL DEFAULT 'queued'
                 CHECK (state = 'queued' OR state = 'delivered' OR state = 'rejected'),
    attempts     INTEGER NOT NULL DEFAULT 0,
    next_attempt INTEGER NOT NULL DEFAULT 0,
    last_status  INTEGER,
    last_error   TEXT NOT NULL DEFAULT '',
    response     TEXT NOT NULL DEFAULT '',
    queued_at    INTEGER NOT NULL,
    delivered_at INTEGER
);
CREATE TABLE IF NOT EXISTS notes (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
)sql";

// The key (system, type, id) is the unique index events_key rather than a
// constraint of the table, so that a bulk load can drop the indexes and build
// them again at the end: SQLite builds them from 100k rows in about half the
// time it takes to insert each row into them. id comes first in the key, so
// that comparing two keys mostly ends at the first column.
constexpr const char* k_indexes = R"sql(
CREATE UNIQUE INDEX IF NOT EXISTS events_key ON events (id, type, system);
CREATE INDEX IF NOT EXISTS events_queued ON events (system, seq) WHERE state = 'queued';
)sql";

// Outboxes made before events_key existed keep their key as the table's
// UNIQUE (system, type, id) constraint, whose index cannot be dropped, until
// their first bulk load copies them into a table of today's shape.
constexpr const char* k_constraint_index = "sqlite_autoindex_events_1";

constexpr const char* k_all_columns =
    "seq, system, type, id, environment, body, state, attempts, next_attempt, last_status, "
    "last_error, response, queued_at, delivered_at";

// Enqueues smaller than this insert event by event (hooks, pushes, polls).
constexpr std::size_t k_bulk_minimum = 4096;

// How many events are inserted between two progress reports.
constexpr std::size_t k_progress_step = 4096;

// How long a process waits for another one's write before it gives up.
constexpr std::chrono::milliseconds k_busy_timeout{30000};

// The WAL size past which the closing process empties it: each process
// rebuilds the WAL's index when it opens the outbox, reading the whole WAL.
constexpr std::uintmax_t k_wal_trim_size = 1024 * 1024;

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

constexpr const char* k_insert =
    "INSERT INTO events (system, type, id, environment, body, queued_at) VALUES (?, ?, ?, ?, ?, ?)";

// Bind an event's row to `insert`, without copying: the rows and the body
// must outlive the insert's run().
Statement& bind_event(Statement& insert, const Outbox::Rows& rows, std::size_t i,
                      std::string_view body, model::UnixSeconds now) {
    return insert.bind_view(1, rows.system(i))
        .bind_view(2, model::type_name(model::type_of(rows.event(i))))
        .bind_view(3, model::id_of(rows.event(i)))
        .bind_view(4, rows.environment(i))
        .bind_view(5, body)
        .bind(6, now);
}

std::vector<std::string> bodies_of(const Outbox::Rows& rows, std::size_t begin, std::size_t end) {
    std::vector<std::string> bodies;
    bodies.reserve(end - begin);
    for (auto i = begin; i < end; ++i) {
        bodies.push_back(model::to_json(rows.event(i)));
    }
    return bodies;
}

// Serializes the bodies of a long run of events on a second thread, a chunk
// ahead of the thread that inserts them, so that the two overlap.
class BodiesAhead {
public:
    explicit BodiesAhead(const Outbox::Rows& rows) : m_rows(rows), m_next(serialize(0)) {}

    // Return the bodies of the chunk starting at `begin`, in turn.
    std::vector<std::string> take(std::size_t begin) {
        auto bodies = m_next.get();
        if (begin + k_chunk < m_rows.size()) {
            m_next = serialize(begin + k_chunk);
        }
        return bodies;
    }

    static constexpr std::size_t k_chunk = 4096;

private:
    std::future<std::vector<std::string>> serialize(std::size_t begin) const {
        const auto first = std::min(begin, m_rows.size());
        return std::async(std::launch::async, bodies_of, std::cref(m_rows), first,
                          std::min(first + k_chunk, m_rows.size()));
    }

    const Outbox::Rows& m_rows;
    std::future<std::vector<std::string>> m_next;
};

// Return how many events the outbox holds at most: rows are never deleted,
// so the last seq bounds it, and reading it costs no scan.
std::size_t stored_bound(Database& db) {
    auto last = db.prepare("SELECT COALESCE(MAX(seq), 0) FROM events");
    last.step();
    return static_cast<std::size_t>(last.integer(0));
}

void report(const EnqueueProgress& progress, std::size_t done, std::size_t total) {
    if (progress && (done % k_progress_step == 0 || done == total)) {
        progress(done);
    }
}

// Create the outbox file with owner-only permissions before SQLite opens it,
// so no other user ever reads queued events.
model::Expected<void> prepare_file(const std::filesystem::path& path) {
    std::error_code ec;
    const auto folder = path.parent_path();
    if (!folder.empty() && !std::filesystem::exists(folder, ec)) {
        std::filesystem::create_directories(folder, ec);
        if (ec) {
            return model::fail("creating outbox folder '" + folder.string() + "': " + ec.message());
        }
        ::chmod(folder.c_str(), 0700);
    }
    // Never open and close an existing outbox here: closing any descriptor of
    // a file drops every POSIX lock this process holds on it, including the
    // ones SQLite's other connections rely on (the daemon has two), and then
    // another process may think it is the last user and delete the WAL.
    if (std::filesystem::exists(path, ec)) {
        if (std::filesystem::is_directory(path, ec)) {
            return model::fail("opening outbox '" + path.string() + "': " + std::strerror(EISDIR));
        }
        return {};
    }
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) {
        return model::fail("opening outbox '" + path.string() + "': " + std::strerror(errno));
    }
    ::close(fd);
    return {};
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
    const auto size = std::filesystem::file_size(m_path.string() + "-wal", ec);
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
    if (auto prepared = prepare_file(path); !prepared) {
        return std::unexpected(prepared.error());
    }
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
    auto stmt = m_db.prepare("SELECT COUNT(*) FROM sqlite_master WHERE name IN "
                             "('events', 'notes', 'events_queued', 'events_key', ?)");
    stmt.bind(1, k_constraint_index);
    stmt.step();
    // The two tables, the queue index and the key in either of its shapes.
    return stmt.integer(0) == 4;
}

bool Outbox::keyed_by_constraint() {
    auto stmt = m_db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?");
    stmt.bind(1, k_constraint_index);
    return stmt.step();
}

EnqueueResult Outbox::enqueue(std::span<const model::Envelope> events) {
    Transaction tx(m_db);
    auto result = enqueue(events, tx);
    tx.commit();
    return result;
}

EnqueueResult Outbox::enqueue(std::span<const model::Envelope> events, const Transaction&,
                              const EnqueueProgress& progress) {
    return queue_rows(Rows(events), progress);
}

EnqueueResult Outbox::enqueue(std::string_view system, std::string_view environment,
                              std::span<const model::Event> events, const Transaction&,
                              const EnqueueProgress& progress) {
    return queue_rows(Rows(system, environment, events), progress);
}

EnqueueResult Outbox::queue_rows(const Rows& rows, const EnqueueProgress& progress) {
    if (rows.size() >= k_bulk_minimum) {
        if (auto result = load_in_bulk(rows, progress)) {
            return std::move(*result);
        }
    }
    return insert_each(rows, progress);
}

EnqueueResult Outbox::insert_each(const Rows& rows, const EnqueueProgress& progress) {
    auto insert =
        m_db.prepare(std::string(k_insert) + " ON CONFLICT (system, type, id) DO NOTHING");
    EnqueueResult result;
    result.inserted.reserve(rows.size());
    const auto now = model::now();
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const auto body = model::to_json(rows.event(i));
        bind_event(insert, rows, i, body, now).run();
        const bool inserted = m_db.changes() > 0;
        result.inserted.push_back(inserted);
        ++(inserted ? result.queued : result.duplicates);
        report(progress, i + 1, rows.size());
    }
    return result;
}

std::optional<EnqueueResult> Outbox::load_in_bulk(const Rows& rows,
                                                  const EnqueueProgress& progress) {
    const auto held = stored_bound(m_db);
    if (held > rows.size()) {
        return std::nullopt;
    }
    EnqueueResult result;
    result.inserted = held == 0 ? std::vector<bool>(rows.size(), true) : unseen(rows);
    result.queued =
        static_cast<std::size_t>(std::count(result.inserted.begin(), result.inserted.end(), true));
    result.duplicates = rows.size() - result.queued;
    if (result.queued == 0) {
        return result;
    }
    if (result.queued < held) {
        return std::nullopt;
    }
    m_db.exec("SAVEPOINT bulk_load");
    drop_indexes();
    auto insert = m_db.prepare(k_insert);
    const auto now = model::now();
    BodiesAhead ahead(rows);
    for (std::size_t begin = 0; begin < rows.size(); begin += BodiesAhead::k_chunk) {
        const auto bodies = ahead.take(begin);
        for (std::size_t i = 0; i < bodies.size(); ++i) {
            if (result.inserted[begin + i]) {
                bind_event(insert, rows, begin + i, bodies[i], now).run();
            }
        }
        report(progress, begin + bodies.size(), rows.size());
    }
    // Two events of the same key in `rows` fail the unique index: the
    // savepoint forgets the load, and the events go in one by one instead.
    if (!m_db.exec_if_unique(k_indexes)) {
        m_db.exec("ROLLBACK TO bulk_load; RELEASE bulk_load");
        return std::nullopt;
    }
    m_db.exec("RELEASE bulk_load");
    return result;
}

std::vector<bool> Outbox::unseen(const Rows& rows) {
    auto find = m_db.prepare("SELECT 1 FROM events WHERE id = ? AND type = ? AND system = ?");
    std::vector<bool> result;
    result.reserve(rows.size());
    for (std::size_t i = 0; i < rows.size(); ++i) {
        find.bind(1, model::id_of(rows.event(i)))
            .bind(2, model::type_name(model::type_of(rows.event(i))))
            .bind(3, rows.system(i));
        result.push_back(!find.step());
        find.reset();
    }
    return result;
}

void Outbox::drop_indexes() {
    if (!keyed_by_constraint()) {
        m_db.exec("DROP INDEX events_key; DROP INDEX events_queued");
        return;
    }
    const std::string columns = k_all_columns;
    m_db.exec("ALTER TABLE events RENAME TO events_constrained");
    m_db.exec(k_events_table);
    m_db.exec("INSERT INTO events (" + columns + ") SELECT " + columns +
              " FROM events_constrained ORDER BY seq");
    m_db.exec("DROP TABLE events_constrained");
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

std::vector<Record> Outbox::list(std::optional<State> state) {
    auto stmt = m_db.prepare(std::string("SELECT ") + k_record_columns +
                             " FROM events WHERE ?1 IS NULL OR state = ?1 ORDER BY seq");
    if (state) {
        stmt.bind(1, state_name(*state));
    } else {
        stmt.bind(1, std::nullopt);
    }
    std::vector<Record> records;
    while (stmt.step()) {
        records.push_back(read_record(stmt));
    }
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
