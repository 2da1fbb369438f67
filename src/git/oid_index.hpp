#pragma once

#include "git/libgit2.hpp"

#include <cstdint>
#include <limits>
#include <vector>

namespace git {

// An open-addressing map from object ids to dense indexes: a walk over 100k
// commits does one lookup per parent, and a node-based map spends its time
// allocating. The ids live in the caller's table; this holds only indexes.
class OidIndex {
public:
    static constexpr std::uint32_t k_absent = std::numeric_limits<std::uint32_t>::max();

    // Return the index of `id` in `ids`, or k_absent.
    std::uint32_t find(const git_oid& id, const std::vector<git_oid>& ids) const;

    // Record that `ids[index]` is `id` (not present yet).
    void insert(const git_oid& id, std::uint32_t index, const std::vector<git_oid>& ids);

private:
    std::size_t slot_of(const git_oid& id) const { return OidHash{}(id) & (m_slots.size() - 1); }
    void grow(const std::vector<git_oid>& ids);

    std::vector<std::uint32_t> m_slots;
    std::size_t m_size = 0;
};

} // namespace git
