#pragma once

#include "model/commit_graph.hpp"
#include "model/event.hpp"
#include "outbox/database.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace outbox {

// The keys one system has queued already, read in one pass over the outbox's
// key index, so that a backfill decides "queued before" for each of its
// events in memory instead of asking SQLite once per event. Changes named by
// a full commit id (nearly every key) are kept as 20 binary bytes in an
// open-addressing table; other keys as text.
class KnownKeys {
public:
    // Read every key queued under `system`.
    static KnownKeys read(Database& db, std::string_view system);

    // Return whether an event of this system was queued before.
    bool contains(const model::Event& event) const;

    // Return how many keys were read.
    std::size_t size() const { return m_ids.size() + m_other.size(); }

private:
    // Remember a key of the system.
    void add(std::string_view type, std::string_view id);
    // Remember a change named by a full commit id.
    void add_change(const model::RawId& id);
    // Return whether a change named by a full commit id is known.
    bool contains_change(const model::RawId& id) const;
    // Double the table and place every id again.
    void grow();

    std::vector<model::RawId> m_ids;
    std::vector<std::uint32_t> m_slots;
    std::unordered_set<std::string> m_other;
};

} // namespace outbox
