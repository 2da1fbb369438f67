#pragma once

#include "git/commit_reader.hpp"
#include "util/mapped_file.hpp"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace git {

// git's commit-graph file (objects/info/commit-graph, or a split chain under
// objects/info/commit-graphs/), read directly: it holds every commit's
// parents and committer time, so a walk inflates no objects. Files with
// generation data v1 and v2 both work (libgit2 1.5 cannot use v2 files, the
// default of git >= 2.36); only SHA-1 graphs are read.
class CommitGraphFile {
public:
    // Load the commit-graph of an objects folder; nullopt when there is none.
    // A graph that cannot be used is an error (the caller falls back).
    static model::Expected<std::optional<CommitGraphFile>>
    open(const std::filesystem::path& objects);

    // Return a commit's position in the graph, if the graph has it.
    std::optional<std::uint32_t> find(const git_oid& id) const;

    // Read the parents and committer time of the commit at a position (the
    // graph has no author time: it is left 0). False when the graph is corrupt.
    bool read(std::uint32_t position, CommitFacts& facts) const;

    // Read the committer time of the commit at a position and its parents
    // as positions (no id round trip: a walk over the graph numbers commits
    // by position). False when the graph is corrupt.
    bool read_positions(std::uint32_t position, std::vector<std::uint32_t>& parents,
                        model::UnixSeconds& committer_time) const;

    // Copy the id of the commit at a position; false when there is none.
    bool id_at(std::uint32_t position, git_oid& id) const { return oid_at(position, id); }

    // Return how many commits the graph holds.
    std::uint32_t size() const;

private:
    // One file of the graph; a split chain has several, base first.
    struct Layer {
        util::MappedFile file;
        const unsigned char* fanout = nullptr;
        const unsigned char* oids = nullptr;
        const unsigned char* data = nullptr;
        const unsigned char* edges = nullptr;
        std::uint32_t count = 0;
        std::uint32_t base = 0;
        std::size_t edge_count = 0;
    };

    static model::Expected<Layer> load_layer(const std::filesystem::path& path, std::uint32_t base);
    const Layer* layer_of(std::uint32_t position) const;
    bool oid_at(std::uint32_t position, git_oid& id) const;

    std::vector<Layer> m_layers;
};

} // namespace git
