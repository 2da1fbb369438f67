#include "model/commit_graph.hpp"

#include <cstring>
#include <functional>
#include <limits>
#include <stdexcept>

namespace model {

namespace {

constexpr std::uint32_t k_empty = std::numeric_limits<std::uint32_t>::max();
constexpr char k_digits[] = "0123456789abcdef";

int nibble(char c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

std::size_t hash_raw(const RawId& id) {
    std::size_t h = 0;
    std::memcpy(&h, id.data(), sizeof h);
    return h;
}

} // namespace

std::optional<RawId> parse_raw_id(std::string_view hex) {
    RawId id{};
    if (hex.size() != id.size() * 2) {
        return std::nullopt;
    }
    for (std::size_t i = 0; i < id.size(); ++i) {
        const int high = nibble(hex[2 * i]);
        const int low = nibble(hex[2 * i + 1]);
        if (high < 0 || low < 0) {
            return std::nullopt;
        }
        id[i] = static_cast<unsigned char>(high << 4 | low);
    }
    return id;
}

void append_hex(const RawId& id, std::string& out) {
    for (const auto byte : id) {
        out += k_digits[byte >> 4];
        out += k_digits[byte & 15];
    }
}

void CommitGraph::add(const RawId& id, Commit commit) {
    commit.parent_begin = static_cast<std::uint32_t>(m_parents.size());
    commit.parent_count = 0;
    m_raw_ids.push_back(id);
    commits.push_back(commit);
    m_slots.clear();
}

void CommitGraph::add(std::string id, Commit commit) {
    commit.parent_begin = static_cast<std::uint32_t>(m_parents.size());
    commit.parent_count = 0;
    m_text_ids.push_back(std::move(id));
    commits.push_back(commit);
    m_slots.clear();
}

void CommitGraph::add_parent(std::uint32_t parent) {
    m_parents.push_back(parent);
    ++commits.back().parent_count;
}

void CommitGraph::reserve(std::size_t count) {
    commits.reserve(count);
    m_raw_ids.reserve(count);
    // Most commits have one parent; merges are a few in a hundred.
    m_parents.reserve(count + count / 8);
}

std::string CommitGraph::id(std::uint32_t index) const {
    if (!m_text_ids.empty()) {
        return m_text_ids[index];
    }
    std::string hex;
    hex.reserve(40);
    append_hex(m_raw_ids[index], hex);
    return hex;
}

std::size_t CommitGraph::hash_of(std::uint32_t index) const {
    return m_text_ids.empty() ? hash_raw(m_raw_ids[index])
                              : std::hash<std::string_view>{}(m_text_ids[index]);
}

bool CommitGraph::same(std::uint32_t index, std::string_view text, const RawId* raw) const {
    return raw != nullptr ? m_raw_ids[index] == *raw : m_text_ids[index] == text;
}

void CommitGraph::build_index() const {
    std::size_t slots = 1024;
    while (slots < commits.size() * 2) {
        slots *= 2;
    }
    m_slots.assign(slots, k_empty);
    for (std::uint32_t index = 0; index < commits.size(); ++index) {
        auto slot = hash_of(index) & (slots - 1);
        while (m_slots[slot] != k_empty) {
            slot = (slot + 1) & (slots - 1);
        }
        m_slots[slot] = index;
    }
}

std::optional<std::uint32_t> CommitGraph::find(std::string_view id) const {
    if (commits.empty()) {
        return std::nullopt;
    }
    std::optional<RawId> raw;
    if (m_text_ids.empty()) {
        raw = parse_raw_id(id);
        if (!raw) {
            return std::nullopt;
        }
    }
    if (m_slots.empty()) {
        build_index();
    }
    const auto mask = m_slots.size() - 1;
    const auto hash = raw ? hash_raw(*raw) : std::hash<std::string_view>{}(id);
    for (auto slot = hash & mask;; slot = (slot + 1) & mask) {
        const auto index = m_slots[slot];
        if (index == k_empty) {
            return std::nullopt;
        }
        if (same(index, id, raw ? &*raw : nullptr)) {
            return index;
        }
    }
}

std::uint32_t CommitGraph::at(std::string_view id) const {
    if (const auto index = find(id)) {
        return *index;
    }
    throw std::out_of_range("commit " + std::string(id) + " is not in the graph");
}

} // namespace model
