#include "outbox/outbox.hpp"
#include "outbox/schema.hpp"

#include <algorithm>
#include <future>

// Queueing events: one by one for a hook's or a poll's handful, in bulk
// (indexes built once at the end) for a backfill's thousands.
namespace outbox {

using namespace schema;

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

// Enqueues smaller than this insert event by event (hooks, pushes, polls).
constexpr std::size_t k_bulk_minimum = 4096;

// How many events are inserted between two progress reports.
constexpr std::size_t k_progress_step = 4096;

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

} // namespace

EnqueueResult Outbox::enqueue(std::span<const model::Envelope> events,
                              const EnqueueProgress& progress) {
    Transaction tx(m_db);
    auto result = enqueue(events, tx, progress);
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
        m_db.exec("DROP INDEX events_key; DROP INDEX events_due");
        return;
    }
    const std::string columns = k_all_columns;
    m_db.exec("ALTER TABLE events RENAME TO events_constrained");
    m_db.exec(k_events_table);
    m_db.exec("INSERT INTO events (" + columns + ") SELECT " + columns +
              " FROM events_constrained ORDER BY seq");
    m_db.exec("DROP TABLE events_constrained");
}

} // namespace outbox
