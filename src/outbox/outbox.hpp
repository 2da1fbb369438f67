#pragma once

#include "model/error.hpp"
#include "model/event.hpp"
#include "outbox/census.hpp"
#include "outbox/database.hpp"
#include "outbox/lag.hpp"
#include "outbox/push_queue.hpp"
#include "outbox/repo_state.hpp"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace outbox {

// Where an event is in its life: parked ones wait for someone to retry or
// drop them (the API refused them for good, or failed on them for too long).
enum class State { queued, delivered, parked };

// Return the name of a state as printed.
std::string_view state_name(State state);

// Return the state a printed name stands for; "rejected", the old name of
// parked, is accepted too.
std::optional<State> parse_state_name(std::string_view name);

// One event as the outbox holds it.
struct Record {
    std::int64_t seq = 0;
    std::string system;
    std::string type;
    std::string id;
    std::string environment;
    std::string body;
    State state = State::queued;
    std::int64_t attempts = 0;
    model::UnixSeconds next_attempt = 0;
    std::optional<std::int64_t> last_status;
    std::string last_error;
    std::string response;
    // When the failures since the last success began (nullopt: none).
    std::optional<model::UnixSeconds> failing_since;
};

// The key of one event: (system, type, id).
struct Key {
    std::string system;
    std::string type;
    std::string id;
};

// What an enqueue did, event by event in input order.
struct EnqueueResult {
    std::size_t queued = 0;
    std::size_t duplicates = 0;
    std::vector<bool> inserted;
};

// Called now and then during a long enqueue with how many events are done.
using EnqueueProgress = std::function<void(std::size_t done)>;

// What a prune removed.
struct Pruned {
    // Delivered events whose body and answer were dropped, keys kept.
    std::int64_t events = 0;
    // Parked recorded pushes removed.
    std::int64_t pushes = 0;
};

// How many events are in each state.
struct Counts {
    std::int64_t queued = 0;
    std::int64_t delivered = 0;
    std::int64_t parked = 0;
    // Queued events whose next attempt is not due yet.
    std::int64_t waiting = 0;
};

// The durable queue of events: one SQLite file in WAL mode, synchronous=FULL,
// every event keyed by (system, type, id) and never queued twice.
class Outbox {
public:
    // The events of one enqueue with their systems and environments
    // (defined in outbox.cpp).
    class Rows;

    // Open or create the outbox, creating its folder (0700) and file (0600);
    // see creation.hpp for what it moves aside or removes beside the file.
    static model::Expected<Outbox> open(const std::filesystem::path& path);
    // Open an existing outbox for reading only, creating nothing: no folder,
    // no file, no journal (an error when there is no outbox at `path`).
    static model::Expected<Outbox> open_read_only(const std::filesystem::path& path);
    // Open a new outbox file no other process can see yet (a first load's
    // temporary file, see first_load.hpp): no journal on disk, no fsync.
    static Outbox open_unpublished(const std::filesystem::path& path);
    Outbox(Outbox&&) = default;
    // Close the outbox, emptying the WAL into the database when it has grown.
    ~Outbox();

    // Queue events in one durable transaction, skipping keys seen before;
    // thousands of events into an outbox holding fewer are loaded in bulk.
    EnqueueResult enqueue(std::span<const model::Envelope> events,
                          const EnqueueProgress& progress = {});
    // Queue a history's events, all going to `system` from `environment`, in
    // one durable transaction, without an envelope apiece (a backfill's
    // 100k); thousands of events into an outbox holding fewer are loaded in bulk.
    EnqueueResult enqueue_history(std::string_view system, std::string_view environment,
                                  std::span<const model::Event> events,
                                  const EnqueueProgress& progress = {});
    // Queue a poll's events and store the refs it found, in one transaction:
    // a crash never loses nor repeats an event.
    EnqueueResult commit_poll(const SnapshotUpdate& snapshot,
                              std::span<const model::Envelope> events);
    // Record the time and error of polls, in one transaction.
    void record_polls(std::span<const PollMark> polls);
    // Queue a recorded push's events and mark it derived, in one transaction.
    EnqueueResult commit_derived_push(std::int64_t seq, const std::string& notes,
                                      std::span<const model::Envelope> events);
    // Wait for another writer by retrying every millisecond, for at most
    // `patience`, rather than on SQLite's back-off: for a hook, whose every
    // millisecond delays a push.
    void wait_briefly_for_writers(std::chrono::milliseconds patience);

    // Return the pushes the post-receive hook recorded in this outbox.
    PushQueue pushes() { return PushQueue(m_db); }
    // Return the daemon's per-repository state kept in this outbox.
    RepoState repositories() { return RepoState(m_db); }

    // Return up to `limit` queued events due at `now` that come after `after`
    // in queue order, oldest first: one window of a delivery round.
    std::vector<Record> due(model::UnixSeconds now, std::size_t limit, std::int64_t after = 0);
    // Return the ids of the changes the deployment `deployment_seq` lists that
    // are queued (not yet delivered nor parked) in its system.
    std::vector<std::string> queued_changes_of(std::int64_t deployment_seq);

    // Return the queued events among `keys`, due or still waiting out a
    // backoff, oldest first: what an explicit push sends at once.
    std::vector<Record> queued_among(std::span<const Key> keys);
    // Give the event `seq` a new body and environment and queue it again, due
    // now with no failures counted, whatever its state (an explicit push's
    // correction or resend); false when no event has that seq.
    bool requeue(std::int64_t seq, std::string_view environment, std::string_view body);

    // Record a 2xx answer.
    void mark_delivered(std::int64_t seq, long status, model::UnixSeconds now);
    // Record a retryable failure and when to try again.
    void mark_retry(std::int64_t seq, std::optional<long> status, const std::string& error,
                    model::UnixSeconds next_attempt);
    // Park an event the API refused for good, or failed on for too long,
    // keeping its answer.
    void mark_parked(std::int64_t seq, std::optional<long> status, const std::string& error,
                     const std::string& response);
    // Queue parked events again (one by seq, or all of them), due now with no
    // failures counted; return how many.
    std::int64_t retry_parked(std::optional<std::int64_t> seq);
    // Forget a parked event for good; false when no parked event has that seq.
    bool drop_parked(std::int64_t seq);

    // Drop the bodies and answers of events delivered at or before `cutoff`, keeping
    // their keys (and a change's time), and remove recorded pushes parked
    // before it; then return the freed pages to the file system.
    Pruned prune(model::UnixSeconds cutoff);
    // Return whether freed pages go back to the file system (auto_vacuum is
    // INCREMENTAL); outboxes made before that need switch_to_incremental_vacuum().
    bool vacuums_incrementally();
    // Rebuild the file with auto_vacuum INCREMENTAL (one VACUUM: it needs as
    // much free space as the outbox takes, and holds the write lock throughout).
    void switch_to_incremental_vacuum();
    // Copy the outbox, consistent as of one moment, to a new file `target`
    // through SQLite's online backup, and fsync it.
    model::Expected<void> backup_to(const std::filesystem::path& target);

    // Return the event with this key, if it was ever queued.
    std::optional<Record> find(std::string_view system, std::string_view type, std::string_view id);
    // Return the time_created of the change queued under `system` with this
    // id, if one was (a deployment is never timed before what it ships).
    std::optional<model::UnixSeconds> change_time(std::string_view system, std::string_view id);
    // Return the time_created of the deployment queued under `system` with
    // this id, if one was (a derived incident starts when it shipped).
    std::optional<model::UnixSeconds> deployment_time(std::string_view system, std::string_view id);
    // Return how many events are in each state.
    Counts counts(model::UnixSeconds now);
    // Return how far delivery lags at `now`: the oldest queued event, the
    // failures, the deliveries of the last `window` seconds (lag.cpp).
    Lag lag(model::UnixSeconds now, std::int64_t window = k_lag_window);
    // Return the events by system, type and state, the watched and failing
    // repositories and the recorded pushes, for the metrics (census.cpp).
    Census census();
    // Return every event, or those in one state, oldest first.
    std::vector<Record> list(std::optional<State> state = std::nullopt);
    // Call `visit` with every event, or those in one state, oldest first,
    // holding a few hundred in memory at a time however many there are.
    void each(std::optional<State> state, const std::function<void(const Record&)>& visit);

    // Read or write a note such as the last delivery problem ("" when unset).
    std::string note(std::string_view key);
    void set_note(std::string_view key, std::string_view value);

    // Return the file this outbox lives in.
    const std::filesystem::path& path() const { return m_path; }

private:
    // Queues a backfill's events as they are derived, with the private calls below.
    friend class HistoryLoad;
    // Builds a new outbox file with the private calls below.
    friend std::optional<EnqueueResult> create_with_events(const std::filesystem::path&,
                                                           std::string_view, std::string_view,
                                                           std::span<const model::Event>,
                                                           const EnqueueProgress&);
    // Queue events inside the caller's transaction, in bulk when that pays.
    EnqueueResult enqueue(std::span<const model::Envelope> events, const Transaction& tx,
                          const EnqueueProgress& progress = {});
    // Queue events of one system and environment inside the caller's transaction.
    EnqueueResult enqueue(std::string_view system, std::string_view environment,
                          std::span<const model::Event> events, const Transaction& tx,
                          const EnqueueProgress& progress = {});

    Outbox(std::filesystem::path path, Database db, bool read_only = false);
    // Open `path` as a writer and bring its schema up to date.
    static Outbox open_for_writing(const std::filesystem::path& path);
    // Return the time_created of the event with this key, if it was queued.
    std::optional<model::UnixSeconds> time_created(std::string_view system, model::EventType type,
                                                   std::string_view id);
    void migrate();
    // Create the tables and indexes that are missing, in one transaction.
    void create_schema();
    // Return whether every table and index exists already: read without the
    // write lock, so that opening an existing outbox (every hook, during a
    // push) never waits for another writer.
    bool schema_ready();
    // Return whether the file has no page yet (a new outbox).
    bool is_empty();
    // Return whether a table has a column (older outboxes lack some).
    bool has_column(const char* table, const char* column);
    // Return whether the key is still the table constraint of old outboxes.
    bool keyed_by_constraint();
    // Queue rows: in bulk when that pays, else one by one.
    EnqueueResult queue_rows(const Rows& rows, const EnqueueProgress& progress);
    // Insert rows one by one, each skipped when its key is there already.
    EnqueueResult insert_each(const Rows& rows, const EnqueueProgress& progress);
    // Insert rows with the indexes dropped and built again afterwards;
    // nullopt when that does not pay or two rows share a key.
    std::optional<EnqueueResult> load_in_bulk(const Rows& rows, const EnqueueProgress& progress);
    // Return, row by row, whether its key is not in the outbox yet.
    std::vector<bool> unseen(const Rows& rows);
    // Drop the key and queue indexes (rebuilding an old outbox's table).
    void drop_indexes();
    // Compact up to `limit` of the events delivered at or before `cutoff`,
    // inside the caller's transaction; return how many.
    std::int64_t compact_delivered(model::UnixSeconds cutoff, std::int64_t limit);
    // Fold a WAL larger than k_wal_trim_size into the database and empty it,
    // unless another process is using the outbox right now.
    void trim_wal() noexcept;

    std::filesystem::path m_path;
    Database m_db;
    bool m_read_only = false;
    // The UPDATE of mark_delivered(), which runs once per delivered event (the
    // hot path of a flush): prepared on first use, then reused.
    std::optional<Statement> m_mark_delivered;
};

} // namespace outbox
