#pragma once

// The outbox's tables and indexes, shared by opening (outbox.cpp), bulk
// loading (enqueue.cpp) and the recorded pushes (push_queue.cpp); included
// only by src/outbox/*.cpp.
namespace outbox::schema {

inline constexpr const char* k_events_table = R"sql(
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
    delivered_at INTEGER,
    failing_since INTEGER
);
CREATE TABLE IF NOT EXISTS notes (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
)sql";

// The pushes the post-receive hook recorded, waiting for their events to be
// derived (push_queue.hpp).
inline constexpr const char* k_pushes_table = R"sql(
CREATE TABLE IF NOT EXISTS pushes (
    seq        INTEGER PRIMARY KEY,
    git_dir    TEXT NOT NULL,
    updates    TEXT NOT NULL,
    pushed_at  INTEGER NOT NULL,
    pusher     TEXT NOT NULL DEFAULT '',
    state      TEXT NOT NULL DEFAULT 'waiting'
               CHECK (state = 'waiting' OR state = 'derived' OR state = 'failed'),
    attempts   INTEGER NOT NULL DEFAULT 0,
    last_error TEXT NOT NULL DEFAULT '',
    notes      TEXT NOT NULL DEFAULT '',
    next_attempt INTEGER NOT NULL DEFAULT 0,
    spool_id   TEXT
);
CREATE INDEX IF NOT EXISTS pushes_by_repository ON pushes (git_dir, seq);
)sql";

// A push taken from the spool is recorded once, however often taking it is
// repeated (a crash between the commit and removing the spooled file).
inline constexpr const char* k_pushes_spool_index =
    "CREATE UNIQUE INDEX IF NOT EXISTS pushes_by_spool_id ON pushes (spool_id) "
    "WHERE spool_id IS NOT NULL";

// The daemon's per-repository ref snapshots (repo_state.hpp).
inline constexpr const char* k_watch_tables = R"sql(
CREATE TABLE IF NOT EXISTS watch_repos (
    id          INTEGER PRIMARY KEY,
    path        TEXT NOT NULL UNIQUE,
    system      TEXT NOT NULL,
    first_seen  INTEGER NOT NULL,
    last_poll   INTEGER NOT NULL,
    last_change INTEGER NOT NULL DEFAULT 0,
    last_error  TEXT NOT NULL DEFAULT '',
    watched     INTEGER NOT NULL DEFAULT 1,
    baseline    INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS watch_refs (
    repo        INTEGER NOT NULL REFERENCES watch_repos (id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    target      TEXT NOT NULL,
    peeled      TEXT NOT NULL,
    kind        INTEGER NOT NULL,
    tagger_time INTEGER,
    PRIMARY KEY (repo, name)
) WITHOUT ROWID;
)sql";

// Outboxes made before recorded pushes were retried with backoff get the
// column that holds when to try a push again.
inline constexpr const char* k_pushes_next_attempt =
    "ALTER TABLE pushes ADD COLUMN next_attempt INTEGER NOT NULL DEFAULT 0";

// Outboxes made before hooks wrote to a spool get the column that names the
// spooled file a push came from.
inline constexpr const char* k_pushes_spool_id = "ALTER TABLE pushes ADD COLUMN spool_id TEXT";

// Outboxes made before poison events were parked get the column that holds
// when an event's failures began.
inline constexpr const char* k_events_failing_since =
    "ALTER TABLE events ADD COLUMN failing_since INTEGER";

// The schema's version (PRAGMA user_version): 1 since it is stored; 0 in
// outboxes no writer has opened since. A version above it is a newer
// pulse-agent's, which this one does not know.
inline constexpr int k_schema_version = 1;

// The key (system, type, id) is the unique index events_key rather than a
// constraint of the table, so that a bulk load can drop the indexes and build
// them again at the end: SQLite builds them from 100k rows in about half the
// time it takes to insert each row into them. id comes first in the key, so
// that comparing two keys mostly ends at the first column.
inline constexpr const char* k_indexes = R"sql(
CREATE UNIQUE INDEX IF NOT EXISTS events_key ON events (id, type, system);
CREATE INDEX IF NOT EXISTS events_due ON events (seq) WHERE state = 'queued';
CREATE INDEX IF NOT EXISTS events_unpruned ON events (delivered_at)
    WHERE state = 'delivered' AND environment != '';
)sql";

// The queued events in queue order, a delivery round's windows (Outbox::due):
// in k_indexes, and on its own for outboxes still keyed by a constraint.
inline constexpr const char* k_due_index =
    "CREATE INDEX IF NOT EXISTS events_due ON events (seq) WHERE state = 'queued'";

// The delivered events a prune has not compacted yet (Outbox::prune), so that
// each prune reads only those, not every event ever delivered: in k_indexes,
// and on its own for outboxes still keyed by a constraint.
inline constexpr const char* k_unpruned_index =
    "CREATE INDEX IF NOT EXISTS events_unpruned ON events (delivered_at) "
    "WHERE state = 'delivered' AND environment != ''";

// Outboxes made before events_key existed keep their key as the table's
// UNIQUE (system, type, id) constraint, whose index cannot be dropped, until
// their first bulk load copies them into a table of today's shape.
inline constexpr const char* k_constraint_index = "sqlite_autoindex_events_1";

// A parked event is stored as 'rejected', the name it had before events
// were also parked for failing too long: older outboxes keep working.
inline constexpr const char* k_parked_state = "rejected";

inline constexpr const char* k_all_columns =
    "seq, system, type, id, environment, body, state, attempts, next_attempt, last_status, "
    "last_error, response, queued_at, delivered_at, failing_since";

} // namespace outbox::schema
