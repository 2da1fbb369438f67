#pragma once

#include "model/time.hpp"
#include "outbox/database.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace outbox {

// Where a recorded push is in its life: a failed one is parked, waiting for
// someone to retry or drop it.
enum class PushState { waiting, derived, failed };

// A push as the post-receive hook recorded it, before its events exist.
struct RecordedPush {
    std::int64_t seq = 0;
    // The repository, absolute.
    std::string git_dir;
    // The hook's input lines for branches and tags, "<old> <new> <ref>\n" each.
    std::string updates;
    model::UnixSeconds pushed_at = 0;
    // Who pushed, when the server said; for logs only.
    std::string pusher;
    PushState state = PushState::waiting;
    std::int64_t attempts = 0;
    // When a push that failed is tried again.
    model::UnixSeconds next_attempt = 0;
    std::string last_error;
    // What derivation noticed (a moved release tag), one per line.
    std::string notes;
    // The spooled file the push came from; empty when recorded directly.
    std::string spool_id;
};

// How many recorded pushes are in each state.
struct PushCounts {
    std::int64_t waiting = 0;
    std::int64_t failed = 0;
};

// The pushes the post-receive hook recorded, in the outbox beside the
// events: a hook only writes the push down (one durable insert, no libgit2),
// and whoever delivers derives its events later in a process of its own.
// Derived pushes are kept while an earlier push of the same repository still
// waits, since deriving that one needs to undo what came after it.
class PushQueue {
public:
    // Use the database of an open outbox (Outbox::open creates the table).
    explicit PushQueue(Database& db);

    // Record a push durably; return its sequence number, or nothing when a
    // push from the same spooled file is already recorded.
    std::optional<std::int64_t> record(const RecordedPush& push);
    // The same, with `updates` in place of push.updates: a hook's input of a
    // hundred megabytes is written from where it is, not copied first.
    std::optional<std::int64_t> record(const RecordedPush& push, std::string_view updates);
    // Return the pushes waiting to be derived that are due at `now`, oldest first.
    std::vector<RecordedPush> waiting(model::UnixSeconds now);
    // Return the pushes parked as failed, oldest first.
    std::vector<RecordedPush> failed();
    // Return every kept push of `git_dir` recorded after `seq`, oldest first.
    std::vector<RecordedPush> later(const std::string& git_dir, std::int64_t seq);
    // Return the push with this sequence number, if it is kept.
    std::optional<RecordedPush> find(std::int64_t seq);
    // Mark a push derived, inside the caller's transaction (with its events).
    void mark_derived(std::int64_t seq, const std::string& notes, const Transaction& tx);
    // Count a failed attempt: try again at `next_attempt`, or park the push
    // as failed for good.
    void mark_failed(std::int64_t seq, const std::string& error,
                     std::optional<model::UnixSeconds> next_attempt);
    // Forget derived pushes that no waiting push still needs.
    void prune();
    // Remove parked pushes pushed at or before `cutoff`; return how many.
    std::int64_t prune_parked(model::UnixSeconds cutoff);
    // Make parked pushes (one by seq, or all) wait to be derived again, due
    // now; one that fails again is parked again at once, being past its
    // max_age. Return how many.
    std::int64_t retry_parked(std::optional<std::int64_t> seq);
    // Forget a parked push; false when no parked push has that seq.
    bool drop_parked(std::int64_t seq);
    // Return how many pushes wait and how many failed.
    PushCounts counts();

private:
    Database& m_db;
};

} // namespace outbox
