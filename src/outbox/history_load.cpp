#include "outbox/history_load.hpp"

#include "outbox/schema.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace outbox {

using namespace schema;

namespace {

// SQLite's default 2 MB page cache spills a 100k-event transaction to the
// WAL page by page, again and again; 16 MB halves the system time.
constexpr const char* k_history_cache = "PRAGMA cache_size = -16384";

constexpr const char* k_insert =
    "INSERT INTO events (system, type, id, environment, body, queued_at) VALUES (?, ?, ?, ?, ?, ?)";

[[noreturn]] void fail(const std::string& what, const std::filesystem::path& path) {
    throw model::Failure(what + " '" + path.string() + "': " + std::strerror(errno));
}

void sync_path(const std::filesystem::path& path, int flags) {
    const int fd = ::open(path.c_str(), flags | O_CLOEXEC);
    if (fd < 0 || ::fsync(fd) != 0) {
        const int saved = errno;
        if (fd >= 0) {
            ::close(fd);
        }
        errno = saved;
        fail("syncing", path);
    }
    ::close(fd);
}

// Link the built file into place, which link() never replaces: false when
// an outbox is there already.
model::Expected<bool> link_into_place(const std::filesystem::path& built,
                                      const std::filesystem::path& path) {
    if (::link(built.c_str(), path.c_str()) == 0) {
        return true;
    }
    if (errno == EEXIST) {
        return false;
    }
    return model::fail("creating outbox '" + path.string() + "': " + std::strerror(errno));
}

// Return how many events the outbox holds at most: rows are never deleted,
// so the last seq bounds it, and reading it costs no scan.
std::size_t stored_bound(Database& db) {
    auto last = db.prepare("SELECT COALESCE(MAX(seq), 0) FROM events");
    last.step();
    return static_cast<std::size_t>(last.integer(0));
}

} // namespace

std::unique_ptr<HistoryLoad> HistoryLoad::create(const std::filesystem::path& path,
                                                 std::string_view system,
                                                 std::string_view environment,
                                                 const EnqueueProgress& progress) {
    std::error_code ec;
    if (std::filesystem::exists(path, ec) || ec) {
        return nullptr;
    }
    remove_dead_temporaries(path);
    auto temporary = model::value_or_throw(TemporaryFile::create(path));
    return std::unique_ptr<HistoryLoad>(
        new HistoryLoad(path, std::move(temporary), system, environment, progress));
}

HistoryLoad::HistoryLoad(const std::filesystem::path& path, TemporaryFile temporary,
                         std::string_view system, std::string_view environment,
                         const EnqueueProgress& progress)
    : m_temporary(std::move(temporary)), m_path(path),
      m_owned(Outbox::open_unpublished(m_temporary->path())), m_box(*m_owned), m_system(system),
      m_environment(environment), m_progress(progress) {
    begin();
}

HistoryLoad::HistoryLoad(Outbox& box, std::string_view system, std::string_view environment,
                         const EnqueueProgress& progress)
    : m_box(box), m_system(system), m_environment(environment), m_progress(progress) {
    begin();
}

HistoryLoad::~HistoryLoad() {
    if (m_pending.valid()) {
        m_pending.wait();
    }
}

void HistoryLoad::begin() {
    m_box.m_db.exec(k_history_cache);
    m_tx.emplace(m_box.m_db);
    m_now = model::now();
    if (!m_temporary) {
        m_held = stored_bound(m_box.m_db);
        m_known.emplace(KnownKeys::read(m_box.m_db, m_system));
    }
}

void HistoryLoad::expect(std::size_t events) {
    if (m_insert) {
        return;
    }
    // Dropping and building the indexes again pays when the new events
    // outnumber those held; a re-run's known keys are no new events.
    const auto known = m_known ? m_known->size() : 0;
    m_bulk = m_held == 0 || m_held <= events - std::min(events, known);
    if (m_bulk && events > 0) {
        m_box.drop_indexes();
    } else {
        m_bulk = false;
    }
    m_insert.emplace(m_box.m_db.prepare(
        std::string(k_insert) + (m_bulk ? "" : " ON CONFLICT (system, type, id) DO NOTHING")));
}

void HistoryLoad::add(std::vector<model::Event>& events) {
    if (!m_insert) {
        expect(0);
    }
    Chunk fresh;
    fresh.events.reserve(events.size());
    for (auto& event : events) {
        if (m_known && m_known->contains(event)) {
            ++m_result.duplicates;
        } else {
            fresh.events.push_back(std::move(event));
        }
    }
    m_done += events.size();
    if (fresh.events.empty()) {
        if (m_progress) {
            m_progress(m_done);
        }
        return;
    }
    auto next = std::async(std::launch::async, [chunk = std::move(fresh)]() mutable {
        chunk.bodies.reserve(chunk.events.size());
        for (const auto& event : chunk.events) {
            chunk.bodies.push_back(model::to_json(event));
        }
        return std::move(chunk);
    });
    drain();
    m_pending = std::move(next);
    if (m_progress) {
        m_progress(m_done);
    }
}

void HistoryLoad::drain() {
    if (m_pending.valid()) {
        insert(m_pending.get());
    }
}

void HistoryLoad::insert(const Chunk& chunk) {
    for (std::size_t i = 0; i < chunk.events.size(); ++i) {
        const auto& event = chunk.events[i];
        m_insert->bind_view(1, m_system)
            .bind_view(2, model::type_name(model::type_of(event)))
            .bind_view(3, model::id_of(event))
            .bind_view(4, m_environment)
            .bind_view(5, chunk.bodies[i])
            .bind(6, m_now)
            .run();
        const bool inserted = m_bulk || m_box.m_db.changes() > 0;
        ++(inserted ? m_result.queued : m_result.duplicates);
    }
}

void HistoryLoad::build_indexes() {
    if (m_box.m_db.exec_if_unique(k_indexes)) {
        return;
    }
    // A key repeated in the events: keep its first row, as a queue that
    // skips keys seen before would have.
    m_box.m_db.exec("DELETE FROM events WHERE seq NOT IN "
                    "(SELECT MIN(seq) FROM events GROUP BY id, type, system)");
    const auto removed = static_cast<std::size_t>(m_box.m_db.changes());
    m_result.queued -= removed;
    m_result.duplicates += removed;
    m_box.m_db.exec(k_indexes);
}

std::optional<EnqueueResult> HistoryLoad::finish() {
    drain();
    m_insert.reset();
    if (m_bulk) {
        build_indexes();
    }
    m_tx->commit();
    if (m_progress) {
        m_progress(m_done);
    }
    if (!m_temporary) {
        return std::move(m_result);
    }
    return publish();
}

std::optional<EnqueueResult> HistoryLoad::publish() {
    // Recorded in the file's header: every later open finds it in WAL.
    m_box.m_db.exec("PRAGMA journal_mode = WAL");
    m_tx.reset();
    m_owned.reset();
    sync_path(m_temporary->path(), O_RDONLY);
    // An outbox another process made meanwhile wins.
    const auto linked =
        create_once(m_path, [&] { return link_into_place(m_temporary->path(), m_path); });
    if (!model::value_or_throw(linked)) {
        return std::nullopt;
    }
    sync_path(m_path.parent_path().empty() ? "." : m_path.parent_path(), O_RDONLY | O_DIRECTORY);
    return std::move(m_result);
}

} // namespace outbox
