#include "git/commit_graph_file.hpp"

#include <cstring>
#include <fstream>

namespace git {

namespace {

constexpr std::uint32_t k_no_parent = 0x70000000;
constexpr std::uint32_t k_octopus = 0x80000000;
constexpr std::size_t k_header = 8;
constexpr std::size_t k_chunk_entry = 12;
constexpr std::size_t k_hash = 20;
constexpr std::size_t k_data_entry = k_hash + 16;

std::uint32_t be32(const unsigned char* p) {
    return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) |
           std::uint32_t{p[3]};
}

std::uint64_t be64(const unsigned char* p) {
    return (std::uint64_t{be32(p)} << 32) | be32(p + 4);
}

// The chunks of one graph file: id -> [begin, end).
struct Chunk {
    std::uint32_t id = 0;
    std::uint64_t begin = 0;
    std::uint64_t end = 0;
};

constexpr std::uint32_t chunk_id(const char (&name)[5]) {
    return (std::uint32_t(static_cast<unsigned char>(name[0])) << 24) |
           (std::uint32_t(static_cast<unsigned char>(name[1])) << 16) |
           (std::uint32_t(static_cast<unsigned char>(name[2])) << 8) |
           std::uint32_t(static_cast<unsigned char>(name[3]));
}

model::Expected<std::vector<Chunk>> read_chunks(std::string_view bytes) {
    const auto* base = reinterpret_cast<const unsigned char*>(bytes.data());
    if (bytes.size() < k_header || std::memcmp(base, "CGPH", 4) != 0) {
        return model::fail("not a commit-graph file");
    }
    if (base[4] != 1 || base[5] != 1) {
        return model::fail("unsupported commit-graph version or hash");
    }
    const std::size_t count = base[6];
    if (bytes.size() < k_header + (count + 1) * k_chunk_entry) {
        return model::fail("truncated chunk table");
    }
    std::vector<Chunk> chunks;
    for (std::size_t i = 0; i < count; ++i) {
        const auto* entry = base + k_header + i * k_chunk_entry;
        const Chunk chunk{be32(entry), be64(entry + 4), be64(entry + k_chunk_entry + 4)};
        if (chunk.begin > chunk.end || chunk.end > bytes.size()) {
            return model::fail("chunk outside the file");
        }
        chunks.push_back(chunk);
    }
    return chunks;
}

const Chunk* find_chunk(const std::vector<Chunk>& chunks, std::uint32_t id) {
    for (const auto& chunk : chunks) {
        if (chunk.id == id) {
            return &chunk;
        }
    }
    return nullptr;
}

std::vector<std::filesystem::path> chain_files(const std::filesystem::path& info) {
    std::vector<std::filesystem::path> files;
    std::ifstream chain(info / "commit-graphs" / "commit-graph-chain");
    for (std::string line; std::getline(chain, line);) {
        if (!line.empty()) {
            files.push_back(info / "commit-graphs" / ("graph-" + line + ".graph"));
        }
    }
    return files;
}

} // namespace

model::Expected<CommitGraphFile::Layer>
CommitGraphFile::load_layer(const std::filesystem::path& path, std::uint32_t base) {
    TRY_ASSIGN(auto file, util::MappedFile::open(path));
    auto chunks = read_chunks(file.bytes());
    if (!chunks) {
        return model::fail("'" + path.string() + "': " + chunks.error().message);
    }
    const auto* start = reinterpret_cast<const unsigned char*>(file.bytes().data());
    const auto* fanout = find_chunk(*chunks, chunk_id("OIDF"));
    const auto* oids = find_chunk(*chunks, chunk_id("OIDL"));
    const auto* data = find_chunk(*chunks, chunk_id("CDAT"));
    const auto* edges = find_chunk(*chunks, chunk_id("EDGE"));
    if (!fanout || !oids || !data || fanout->end - fanout->begin != 256 * 4) {
        return model::fail("'" + path.string() + "': missing chunks");
    }
    Layer layer{std::move(file)};
    layer.fanout = start + fanout->begin;
    layer.count = be32(layer.fanout + 255 * 4);
    layer.oids = start + oids->begin;
    layer.data = start + data->begin;
    layer.base = base;
    if (oids->end - oids->begin != std::uint64_t{layer.count} * k_hash ||
        data->end - data->begin != std::uint64_t{layer.count} * k_data_entry) {
        return model::fail("'" + path.string() + "': chunk sizes do not match");
    }
    if (edges) {
        layer.edges = start + edges->begin;
        layer.edge_count = (edges->end - edges->begin) / 4;
    }
    return layer;
}

model::Expected<std::optional<CommitGraphFile>>
CommitGraphFile::open(const std::filesystem::path& objects) {
    const auto info = objects / "info";
    std::error_code ec;
    auto files = chain_files(info);
    if (files.empty() && std::filesystem::exists(info / "commit-graph", ec)) {
        files.push_back(info / "commit-graph");
    }
    if (files.empty()) {
        return std::optional<CommitGraphFile>{};
    }
    CommitGraphFile graph;
    std::uint32_t base = 0;
    for (const auto& file : files) {
        TRY_ASSIGN(auto layer, load_layer(file, base));
        base += layer.count;
        graph.m_layers.push_back(std::move(layer));
    }
    return std::optional<CommitGraphFile>(std::move(graph));
}

std::optional<std::uint32_t> CommitGraphFile::find(const git_oid& id) const {
    for (const auto& layer : m_layers) {
        const std::uint32_t first = id.id[0] == 0 ? 0 : be32(layer.fanout + (id.id[0] - 1) * 4);
        std::uint32_t low = first;
        std::uint32_t high = be32(layer.fanout + id.id[0] * 4);
        while (low < high && high <= layer.count) {
            const auto middle = low + (high - low) / 2;
            const int order = std::memcmp(layer.oids + std::size_t{middle} * k_hash, id.id, k_hash);
            if (order == 0) {
                return layer.base + middle;
            }
            (order < 0 ? low = middle + 1 : high = middle);
        }
    }
    return std::nullopt;
}

const CommitGraphFile::Layer* CommitGraphFile::layer_of(std::uint32_t position) const {
    for (auto it = m_layers.rbegin(); it != m_layers.rend(); ++it) {
        if (position >= it->base) {
            return position - it->base < it->count ? &*it : nullptr;
        }
    }
    return nullptr;
}

bool CommitGraphFile::oid_at(std::uint32_t position, git_oid& id) const {
    const auto* layer = layer_of(position);
    if (layer == nullptr) {
        return false;
    }
    std::memcpy(id.id, layer->oids + std::size_t{position - layer->base} * k_hash, k_hash);
    return true;
}

bool CommitGraphFile::read_positions(std::uint32_t position, std::vector<std::uint32_t>& parents,
                                     model::UnixSeconds& committer_time) const {
    const auto* layer = layer_of(position);
    if (layer == nullptr) {
        return false;
    }
    const auto* entry = layer->data + std::size_t{position - layer->base} * k_data_entry;
    parents.clear();
    committer_time = static_cast<model::UnixSeconds>(
        (std::uint64_t{be32(entry + k_hash + 8) & 3} << 32) | be32(entry + k_hash + 12));
    const auto first = be32(entry + k_hash);
    const auto second = be32(entry + k_hash + 4);
    if (first != k_no_parent) {
        parents.push_back(first);
    }
    if (second == k_no_parent) {
        return true;
    }
    if (!(second & k_octopus)) {
        parents.push_back(second);
        return true;
    }
    for (std::size_t edge = second & ~k_octopus; edge < layer->edge_count; ++edge) {
        const auto value = be32(layer->edges + edge * 4);
        parents.push_back(value & ~k_octopus);
        if (value & k_octopus) {
            return true;
        }
    }
    return false;
}

bool CommitGraphFile::read(std::uint32_t position, CommitFacts& facts) const {
    thread_local std::vector<std::uint32_t> positions;
    facts.author_time = 0;
    facts.parents.clear();
    if (!read_positions(position, positions, facts.committer_time)) {
        return false;
    }
    for (const auto parent : positions) {
        git_oid id;
        if (!oid_at(parent, id)) {
            return false;
        }
        facts.parents.push_back(id);
    }
    return true;
}

std::uint32_t CommitGraphFile::size() const {
    return m_layers.empty() ? 0 : m_layers.back().base + m_layers.back().count;
}

} // namespace git
