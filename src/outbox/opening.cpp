#include "outbox/creation.hpp"
#include "outbox/files.hpp"
#include "outbox/outbox.hpp"
#include "outbox/schema.hpp"
#include "outbox/wal_guard.hpp"

#include <chrono>
#include <map>
#include <mutex>
#include <unistd.h>

// Opening an outbox: as a writer (creating it, checking its WAL, bringing
// its schema up to date) or as a reader that creates nothing.
namespace outbox {

using namespace schema;

namespace {

// How long a process waits for another one's write before it gives up.
constexpr std::chrono::milliseconds k_busy_timeout{30000};

// The WAL size past which the closing process empties it: each process
// rebuilds the WAL's index when it opens the outbox, reading the whole WAL.
constexpr std::uintmax_t k_wal_trim_size = 1024 * 1024;

// How many Outbox objects of this process have each file open: a WAL is
// only checked (which closes descriptors of its files, dropping this
// process's locks on them) by a process that has none.
std::map<std::string, int>& open_here() {
    static std::map<std::string, int> paths;
    return paths;
}

std::mutex& open_here_mutex() {
    static std::mutex mutex;
    return mutex;
}

std::string registry_key(const std::filesystem::path& path) {
    std::error_code ec;
    const auto absolute = std::filesystem::weakly_canonical(path, ec);
    return ec ? path.string() : absolute.string();
}

bool is_open_here(const std::filesystem::path& path) {
    const std::lock_guard lock(open_here_mutex());
    return open_here().contains(registry_key(path));
}

void count_open(const std::filesystem::path& path, int delta) {
    const std::lock_guard lock(open_here_mutex());
    auto& count = open_here()[registry_key(path)];
    count += delta;
    if (count <= 0) {
        open_here().erase(registry_key(path));
    }
}

std::string damaged_message(const std::filesystem::path& path, const std::string& problem) {
    return "outbox '" + path.string() + "' is damaged (" + problem +
           "); run `pulse-agent outbox check` to see what is wrong and `pulse-agent outbox "
           "recover` to move it aside and salvage its events";
}

} // namespace

Outbox::Outbox(std::filesystem::path path, Database db, bool read_only)
    : m_path(std::move(path)), m_db(std::move(db)), m_read_only(read_only) {
    count_open(m_path, 1);
}

Outbox::~Outbox() {
    if (m_db.handle() == nullptr) {
        return;
    }
    if (!m_read_only) {
        trim_wal();
    }
    count_open(m_path, -1);
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
    if (!is_open_here(path)) {
        TRY(set_aside_invalid_wal(path));
    }
    try {
        return open_for_writing(path);
    } catch (const model::Failure& e) {
        return model::fail(e.what());
    }
}

Outbox Outbox::open_for_writing(const std::filesystem::path& path) {
    Outbox outbox(path, Database(path));
    try {
        outbox.migrate();
    } catch (const model::Failure& e) {
        if (outbox.m_db.damaged()) {
            throw model::Failure(damaged_message(path, outbox.m_db.error_message()));
        }
        throw model::Failure("opening outbox '" + path.string() + "': " + e.what());
    }
    return outbox;
}

namespace {

// Return whether a read-only connection can read the schema.
bool readable(Database& db) {
    try {
        db.exec("SELECT COUNT(*) FROM sqlite_master");
        return true;
    } catch (const model::Failure&) {
        return false;
    }
}

} // namespace

model::Expected<Outbox> Outbox::open_read_only(const std::filesystem::path& path) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) {
        return model::fail("no outbox at '" + path.string() + "'; nothing has been queued yet");
    }
    if (const auto problem = wal_problem(path); !problem.empty() && !is_open_here(path)) {
        return model::fail(damaged_message(path, problem));
    }
    // A reader needs the WAL's index: SQLite makes it (and an empty WAL)
    // beside the file when it can. In a folder this user cannot write, with no
    // WAL there, everything is in the file itself, which SQLite documents
    // reading as immutable (no locks, no index).
    const bool immutable =
        !std::filesystem::exists(wal_path(path), ec) &&
        ::access(path.parent_path().empty() ? "." : path.parent_path().c_str(), W_OK) != 0;
    try {
        auto db = Database::open_read_only(path, immutable);
        if (!readable(db)) {
            // A writer died with its WAL unrecovered, which only a writable
            // connection can replay; the file exists, so nothing is created.
            db = Database(path);
        }
        Outbox outbox(path, std::move(db), true);
        outbox.m_db.exec("PRAGMA busy_timeout = " + std::to_string(k_busy_timeout.count()));
        auto tables = outbox.m_db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'events'");
        // A writer made the file but has not laid out its tables yet (or
        // was killed first): as good as no outbox for a reader.
        if (!tables.step()) {
            return model::fail("no outbox at '" + path.string() +
                               "' yet (the file is still empty); nothing has been queued yet");
        }
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
    // Likewise, and before the switch to WAL writes the first page: freed
    // pages can go back to the file system (see prune()). Only on a new file:
    // on an existing one the PRAGMA takes the write lock, which an open of an
    // existing outbox (a hook's) never waits for.
    if (is_empty()) {
        m_db.exec("PRAGMA auto_vacuum = INCREMENTAL");
    }
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
    if (!has_column("events", "failing_since")) {
        m_db.exec(k_events_failing_since);
    }
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
    // Outboxes made when delivery kept each system in order indexed queued
    // events by system; events_due took its place.
    m_db.exec("DROP INDEX IF EXISTS events_queued");
    m_db.exec(k_due_index);
    m_db.exec(k_unpruned_index);
    m_db.exec("PRAGMA user_version = " + std::to_string(k_schema_version));
    tx.commit();
}

Outbox Outbox::open_unpublished(const std::filesystem::path& path) {
    Outbox outbox(path, Database(path));
    outbox.m_db.exec("PRAGMA page_size = 16384");
    outbox.m_db.exec("PRAGMA auto_vacuum = INCREMENTAL");
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
        "'events_due', 'events_key', 'events_unpruned', 'pushes_by_spool_id', ?)");
    stmt.bind(1, k_constraint_index);
    stmt.step();
    // The five tables, the four indexes and the key in either of its shapes.
    if (stmt.integer(0) != 10 || !has_column("pushes", "next_attempt") ||
        !has_column("pushes", "spool_id")) {
        return false;
    }
    auto version = m_db.prepare("PRAGMA user_version");
    version.step();
    return version.integer(0) >= k_schema_version;
}

bool Outbox::is_empty() {
    auto pages = m_db.prepare("PRAGMA page_count");
    return pages.step() && pages.integer(0) == 0;
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

} // namespace outbox
