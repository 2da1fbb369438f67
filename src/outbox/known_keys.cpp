#include "outbox/known_keys.hpp"

#include <algorithm>
#include <cstring>
#include <limits>
#include <optional>

namespace outbox {

namespace {

constexpr std::uint32_t k_empty = std::numeric_limits<std::uint32_t>::max();

std::size_t hash_of(const model::RawId& id) {
    std::size_t h = 0;
    std::memcpy(&h, id.data(), sizeof h);
    return h;
}

// Return the binary form of a change's id when it is a full lowercase commit
// id, the form git and a backfill write; other ids are kept as text.
std::optional<model::RawId> binary_id(std::string_view type, std::string_view id) {
    if (type != "change") {
        return std::nullopt;
    }
    for (const char c : id) {
        if (c >= 'A' && c <= 'F') {
            return std::nullopt;
        }
    }
    return model::parse_raw_id(id);
}

std::string text_key(std::string_view type, std::string_view id) {
    std::string key(type);
    key += '\n';
    key += id;
    return key;
}

} // namespace

KnownKeys KnownKeys::read(Database& db, std::string_view system) {
    KnownKeys keys;
    // Answered from the key index alone (it covers the three columns).
    auto rows = db.prepare("SELECT type, id FROM events WHERE system = ?");
    rows.bind(1, system);
    while (rows.step()) {
        keys.add(rows.text(0), rows.text(1));
    }
    return keys;
}

void KnownKeys::add(std::string_view type, std::string_view id) {
    if (const auto raw = binary_id(type, id)) {
        add_change(*raw);
    } else {
        m_other.insert(text_key(type, id));
    }
}

void KnownKeys::add_change(const model::RawId& id) {
    if ((m_ids.size() + 1) * 2 > m_slots.size()) {
        grow();
    }
    const auto mask = m_slots.size() - 1;
    auto slot = hash_of(id) & mask;
    while (m_slots[slot] != k_empty) {
        if (m_ids[m_slots[slot]] == id) {
            return;
        }
        slot = (slot + 1) & mask;
    }
    m_slots[slot] = static_cast<std::uint32_t>(m_ids.size());
    m_ids.push_back(id);
}

void KnownKeys::grow() {
    m_slots.assign(std::max<std::size_t>(1024, m_slots.size() * 2), k_empty);
    const auto mask = m_slots.size() - 1;
    for (std::uint32_t index = 0; index < m_ids.size(); ++index) {
        auto slot = hash_of(m_ids[index]) & mask;
        while (m_slots[slot] != k_empty) {
            slot = (slot + 1) & mask;
        }
        m_slots[slot] = index;
    }
}

bool KnownKeys::contains_change(const model::RawId& id) const {
    if (m_slots.empty()) {
        return false;
    }
    const auto mask = m_slots.size() - 1;
    for (auto slot = hash_of(id) & mask; m_slots[slot] != k_empty; slot = (slot + 1) & mask) {
        if (m_ids[m_slots[slot]] == id) {
            return true;
        }
    }
    return false;
}

bool KnownKeys::contains(const model::Event& event) const {
    if (size() == 0) {
        return false;
    }
    const auto type = model::type_name(model::type_of(event));
    const auto& id = model::id_of(event);
    if (const auto raw = binary_id(type, id)) {
        return contains_change(*raw);
    }
    return m_other.contains(text_key(type, id));
}

} // namespace outbox
