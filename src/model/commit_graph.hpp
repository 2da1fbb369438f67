#pragma once

#include "model/time.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

// A loaded part of history: plain data, read by git and reasoned on by derive.
namespace model {

// A binary SHA-1 object id.
using RawId = std::array<unsigned char, 20>;

// One commit of a loaded part of history; its id and parents live in the graph.
struct Commit {
    // Where the commit's parents start in CommitGraph's parent list.
    std::uint32_t parent_begin = 0;
    // How many of its parents are in the graph.
    std::uint32_t parent_count = 0;
    UnixSeconds committer_time = 0;
    UnixSeconds author_time = 0;
    // True when the commit's first parent is in the graph (for first-parent walks).
    bool first_parent_loaded = false;
};

// A loaded part of the commit graph: commits reachable from some tips and not
// from others, in an order where every commit comes after its children.
// Compact: ids are kept binary (20 bytes) when read from git and turned
// into hex only when asked for, parents are indexes in one flat list, and
// the lookup by id is an open-addressing table of indexes built on first use.
class CommitGraph {
public:
    // Every commit, children first.
    std::vector<Commit> commits;
    // The messages a walk was asked to keep (only those containing a marker),
    // by index into commits; empty unless asked.
    std::unordered_map<std::uint32_t, std::string> messages;

    // Append a commit named by a binary id; its parents follow with add_parent.
    void add(const RawId& id, Commit commit);
    // Append a commit named by a textual id (the tests' in-memory histories).
    void add(std::string id, Commit commit);
    // Append a parent (an index in the graph) to the last commit added.
    void add_parent(std::uint32_t parent);
    // Reserve room for `count` commits.
    void reserve(std::size_t count);

    // Return how many commits the graph holds.
    std::size_t size() const { return commits.size(); }
    // Return a commit's id as text (hex for binary ids).
    std::string id(std::uint32_t index) const;
    // Return the indexes of a commit's parents that are in the graph, in order.
    std::span<const std::uint32_t> parents(std::uint32_t index) const {
        const auto& c = commits[index];
        return {m_parents.data() + c.parent_begin, c.parent_count};
    }
    // Return the index of the commit a textual id names, if the graph has it.
    std::optional<std::uint32_t> find(std::string_view id) const;
    // Return whether the graph holds the commit a textual id names.
    bool contains(std::string_view id) const { return find(id).has_value(); }
    // Return the index of the commit a textual id names; throws when absent.
    std::uint32_t at(std::string_view id) const;

private:
    // Return the hash of a commit's id, as find() hashes what it looks up.
    std::size_t hash_of(std::uint32_t index) const;
    // Return whether a commit's id is `raw` (binary ids) or `text`.
    bool same(std::uint32_t index, std::string_view text, const RawId* raw) const;
    // Build the lookup table over every commit added so far.
    void build_index() const;

    std::vector<RawId> m_raw_ids;
    std::vector<std::string> m_text_ids;
    std::vector<std::uint32_t> m_parents;
    mutable std::vector<std::uint32_t> m_slots;
};

// Parse 40 hex digits (either case) into a binary id.
std::optional<RawId> parse_raw_id(std::string_view hex);

// Append a binary id's 40 lowercase hex digits to `out`.
void append_hex(const RawId& id, std::string& out);

} // namespace model
