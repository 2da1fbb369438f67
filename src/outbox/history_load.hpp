#pragma once

#include "model/event.hpp"
#include "outbox/creation.hpp"
#include "outbox/known_keys.hpp"
#include "outbox/outbox.hpp"

#include <filesystem>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace outbox {

// A backfill's events queued as they are derived, a chunk at a time, in one
// transaction, so that no more than a few chunks are ever held: either the
// first load of a new outbox (built beside it, written and synced once, see
// create_with_events) or a load into an open one. Keys queued before are
// decided in memory (KnownKeys, read in one pass), so a re-run serializes and
// writes nothing; many new events into an outbox holding fewer are loaded
// with the indexes dropped and built again at the end. Each chunk's bodies
// are serialized on a second thread while the previous chunk is inserted.
class HistoryLoad {
public:
    // Start the first load of a new outbox at `path`; nullptr when `path`
    // exists (load into it with the constructor below then).
    static std::unique_ptr<HistoryLoad> create(const std::filesystem::path& path,
                                               std::string_view system,
                                               std::string_view environment,
                                               const EnqueueProgress& progress = {});
    // Start loading into an open outbox (its transaction begins here).
    HistoryLoad(Outbox& box, std::string_view system, std::string_view environment,
                const EnqueueProgress& progress = {});
    HistoryLoad(const HistoryLoad&) = delete;
    HistoryLoad& operator=(const HistoryLoad&) = delete;
    // Forget what was loaded unless finish() committed it.
    ~HistoryLoad();

    // Learn how many events are coming at most (chooses a bulk load).
    void expect(std::size_t events);
    // Queue the next events, in order; they are moved from.
    void add(std::vector<model::Event>& events);
    // Commit the load (a first load: sync the file and link it into place).
    // Returns nothing, and leaves no file behind, when another process made
    // the outbox of a first load meanwhile: nothing was queued then.
    // EnqueueResult::inserted is left empty.
    std::optional<EnqueueResult> finish();

private:
    // A chunk of new events with their serialized bodies.
    struct Chunk {
        std::vector<model::Event> events;
        std::vector<std::string> bodies;
    };

    HistoryLoad(const std::filesystem::path& path, TemporaryFile temporary, std::string_view system,
                std::string_view environment, const EnqueueProgress& progress);
    // Begin the transaction; read what an open outbox holds of the system.
    void begin();
    // Insert a chunk's rows, counting those a key seen before skipped.
    void insert(const Chunk& chunk);
    // Insert the chunk being serialized, if any.
    void drain();
    // Build the indexes a bulk load dropped, first removing a key's later rows.
    void build_indexes();
    // Sync a first load's file and link it into place.
    std::optional<EnqueueResult> publish();

    std::optional<TemporaryFile> m_temporary;
    std::filesystem::path m_path;
    std::optional<Outbox> m_owned;
    Outbox& m_box;
    std::string m_system;
    std::string m_environment;
    EnqueueProgress m_progress;
    std::optional<Transaction> m_tx;
    std::optional<KnownKeys> m_known;
    std::optional<Statement> m_insert;
    std::future<Chunk> m_pending;
    EnqueueResult m_result;
    std::size_t m_done = 0;
    std::size_t m_held = 0;
    bool m_bulk = false;
    model::UnixSeconds m_now = 0;
};

} // namespace outbox
