#include "outbox/outbox.hpp"
#include "outbox/schema.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

// What an operator does to an outbox: queue parked events again or drop
// them, prune what was delivered long ago, and copy it whole.
namespace outbox {

using namespace schema;

namespace {

// How many delivered events one transaction of a prune compacts.
constexpr std::int64_t k_prune_batch = 5000;

// How many pages one backup step copies before it lets writers in.
constexpr int k_backup_pages = 256;

// A change keeps its time when its body goes, since a deployment that ships
// it is timed after it (change_time()); other events keep an empty object.
constexpr const char* k_compact_body =
    "CASE WHEN json_valid(body) AND json_type(body, '$.time_created') = 'text' "
    "THEN json_object('time_created', json_extract(body, '$.time_created')) ELSE '{}' END";

model::Expected<void> fsync_file(const std::filesystem::path& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0 || ::fsync(fd) != 0) {
        const std::string error = std::strerror(errno);
        if (fd >= 0) {
            ::close(fd);
        }
        return model::fail("syncing '" + path.string() + "': " + error);
    }
    ::close(fd);
    const auto folder = path.parent_path().empty() ? "." : path.parent_path();
    const int dir = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir >= 0) {
        ::fsync(dir);
        ::close(dir);
    }
    return {};
}

} // namespace

std::int64_t Outbox::retry_parked(std::optional<std::int64_t> seq) {
    auto stmt = m_db.prepare("UPDATE events SET state = 'queued', next_attempt = 0, "
                             "failing_since = NULL WHERE state = ?1 AND (?2 IS NULL OR seq = ?2)");
    stmt.bind(1, k_parked_state);
    if (seq) {
        stmt.bind(2, *seq);
    } else {
        stmt.bind(2, std::nullopt);
    }
    stmt.run();
    return m_db.changes();
}

bool Outbox::drop_parked(std::int64_t seq) {
    auto stmt = m_db.prepare("DELETE FROM events WHERE state = ? AND seq = ?");
    stmt.bind(1, k_parked_state).bind(2, seq).run();
    return m_db.changes() > 0;
}

Pruned Outbox::prune(model::UnixSeconds cutoff) {
    Pruned pruned;
    // In batches, each its own transaction: a hook that records a push
    // meanwhile waits for one batch at most, not for a whole first prune.
    for (std::int64_t batch = k_prune_batch; batch == k_prune_batch;) {
        Transaction tx(m_db);
        batch = compact_delivered(cutoff, k_prune_batch);
        tx.commit();
        pruned.events += batch;
    }
    {
        Transaction tx(m_db);
        pruned.pushes = pushes().prune_parked(cutoff);
        tx.commit();
    }
    m_db.exec("PRAGMA incremental_vacuum");
    return pruned;
}

std::int64_t Outbox::compact_delivered(model::UnixSeconds cutoff, std::int64_t limit) {
    // A row shrunk in place leaves its page as many pages as before, only
    // emptier (SQLite merges pages on delete, not on update): the rows are
    // deleted and inserted again, compact, in order, so that whole pages come
    // free. A pruned event's environment is emptied too: the partial index
    // events_unpruned then holds only the events a prune may still touch.
    const std::string columns = k_all_columns;
    auto copy = m_db.prepare(
        std::string("CREATE TEMP TABLE pruning AS SELECT seq, system, type, id, '' AS "
                    "environment, ") +
        k_compact_body +
        " AS body, state, attempts, next_attempt, last_status, '' AS last_error, '' AS "
        "response, queued_at, delivered_at, failing_since FROM events WHERE state = "
        "'delivered' AND environment != '' AND delivered_at <= ? ORDER BY delivered_at LIMIT ?");
    copy.bind(1, cutoff).bind(2, limit).run();
    m_db.exec("DELETE FROM events WHERE seq IN (SELECT seq FROM temp.pruning)");
    const auto count = m_db.changes();
    m_db.exec("INSERT INTO events (" + columns + ") SELECT " + columns +
              " FROM temp.pruning ORDER BY seq");
    m_db.exec("DROP TABLE temp.pruning");
    return count;
}

bool Outbox::vacuums_incrementally() {
    auto stmt = m_db.prepare("PRAGMA auto_vacuum");
    return stmt.step() && stmt.integer(0) == 2;
}

void Outbox::switch_to_incremental_vacuum() {
    m_db.exec("PRAGMA auto_vacuum = INCREMENTAL");
    m_db.exec("VACUUM");
}

model::Expected<void> Outbox::backup_to(const std::filesystem::path& target) {
    sqlite3* copy = nullptr;
    if (sqlite3_open_v2(target.c_str(), &copy,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                        nullptr) != SQLITE_OK) {
        const std::string error = copy ? sqlite3_errmsg(copy) : "out of memory";
        sqlite3_close_v2(copy);
        return model::fail("creating backup '" + target.string() + "': " + error);
    }
    sqlite3_backup* backup = sqlite3_backup_init(copy, "main", m_db.handle(), "main");
    int rc = backup ? SQLITE_OK : sqlite3_errcode(copy);
    while (backup && (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED)) {
        rc = sqlite3_backup_step(backup, k_backup_pages);
        if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) {
            sqlite3_sleep(10);
        }
    }
    sqlite3_backup_finish(backup);
    const std::string error = rc == SQLITE_DONE ? "" : sqlite3_errmsg(copy);
    // A backup is a plain file: no WAL beside it to lose or to copy.
    sqlite3_exec(copy, "PRAGMA journal_mode = DELETE", nullptr, nullptr, nullptr);
    sqlite3_close_v2(copy);
    if (rc != SQLITE_DONE) {
        return model::fail("writing backup '" + target.string() + "': " + error);
    }
    return fsync_file(target);
}

} // namespace outbox
