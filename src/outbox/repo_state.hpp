#pragma once

#include "model/refs.hpp"
#include "model/time.hpp"
#include "outbox/database.hpp"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace outbox {

// What the daemon knows of one repository it watches or watched.
struct RepoRecord {
    std::string path;
    std::string system;
    model::UnixSeconds first_seen = 0;
    model::UnixSeconds last_poll = 0;
    // When a poll last found a ref update; 0 when none yet.
    model::UnixSeconds last_change = 0;
    std::string last_error;
    // False once the repository disappeared from the configured paths.
    bool watched = true;
    std::int64_t refs = 0;
    // False until a first snapshot (the baseline) was recorded.
    bool has_snapshot = false;
};

// A repository's refs as a poll found them, to be stored with its events.
struct SnapshotUpdate {
    std::string path;
    std::string system;
    // The stored snapshot the poll compared with; null on first sight.
    const model::RefSnapshot* before = nullptr;
    const model::RefSnapshot* after = nullptr;
    model::UnixSeconds now = 0;
};

// The outcome of one poll, recorded in bulk at the end of a cycle.
struct PollMark {
    std::string path;
    model::UnixSeconds time = 0;
    std::string error;
};

// The daemon's per-repository ref snapshots, kept in the outbox's own SQLite
// file so that new events and the snapshot they were derived from commit in
// one transaction: a crash never loses nor repeats an event.
class RepoState {
public:
    // Use the database of an open outbox (Outbox::open creates the tables).
    explicit RepoState(Database& db);

    // Return a repository's stored snapshot; nullopt when it was never seen.
    std::optional<model::RefSnapshot> snapshot(std::string_view path);

    // Store a repository's refs, first seen or changed, inside the caller's
    // transaction: only the refs that differ from `before` are written.
    void save(const SnapshotUpdate& snapshot, const Transaction& tx);

    // Record the time and error of polls, inside the caller's transaction; a
    // repository whose first poll failed gets a row without a snapshot.
    void mark_polls(std::span<const PollMark> polls, const Transaction& tx);

    // Record that repositories are gone from the configured paths; their
    // snapshots stay, so a repository that comes back misses nothing.
    void mark_gone(std::span<const std::string> paths);

    // Return every repository ever watched, by path.
    std::vector<RepoRecord> list();

private:
    // Return the row id of a repository that has a baseline.
    std::optional<std::int64_t> repo_id(std::string_view path);
    // Create or refresh a repository's row for a saved snapshot; return its id.
    std::int64_t upsert_repo(std::string_view path, std::string_view system,
                             model::UnixSeconds now);
    // Write the refs that differ between the snapshots, delete the gone ones.
    void write_refs(std::int64_t id, const model::RefSnapshot* before,
                    const model::RefSnapshot& after);

    Database& m_db;
};

} // namespace outbox
