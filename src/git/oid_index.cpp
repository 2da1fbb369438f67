#include "git/oid_index.hpp"

namespace git {

std::uint32_t OidIndex::find(const git_oid& id, const std::vector<git_oid>& ids) const {
    if (m_slots.empty()) {
        return k_absent;
    }
    for (auto slot = slot_of(id);; slot = (slot + 1) & (m_slots.size() - 1)) {
        const auto index = m_slots[slot];
        if (index == k_absent || api().oid_equal(&ids[index], &id)) {
            return index;
        }
    }
}

void OidIndex::insert(const git_oid& id, std::uint32_t index, const std::vector<git_oid>& ids) {
    if ((m_size + 1) * 2 > m_slots.size()) {
        grow(ids);
    }
    auto slot = slot_of(id);
    while (m_slots[slot] != k_absent) {
        slot = (slot + 1) & (m_slots.size() - 1);
    }
    m_slots[slot] = index;
    ++m_size;
}

void OidIndex::grow(const std::vector<git_oid>& ids) {
    std::vector<std::uint32_t> old(std::max<std::size_t>(1024, m_slots.size() * 2), k_absent);
    old.swap(m_slots);
    for (const auto index : old) {
        if (index != k_absent) {
            auto slot = slot_of(ids[index]);
            while (m_slots[slot] != k_absent) {
                slot = (slot + 1) & (m_slots.size() - 1);
            }
            m_slots[slot] = index;
        }
    }
}

} // namespace git
