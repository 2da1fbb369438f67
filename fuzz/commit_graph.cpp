// git::CommitGraphFile on arbitrary bytes (a commit-graph file in a
// repository someone else wrote). The input's first byte picks the layout:
// even, the rest is objects/info/commit-graph; odd, the next two bytes
// (big-endian) are the length of the base layer of a split chain whose top
// layer is what follows it. Every commit the graph claims is then read and
// looked up: never a crash, and a lookup answers a position inside the graph.
#include "check.hpp"
#include "git/commit_graph_file.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string_view>

namespace {

namespace fs = std::filesystem;

// Return the objects folder this process writes its graphs under.
const fs::path& objects_folder() {
    static const fs::path folder = [] {
        std::string pattern = (fs::temp_directory_path() / "pulse-fuzz-XXXXXX").string();
        if (mkdtemp(pattern.data()) == nullptr) {
            std::abort();
        }
        fs::create_directories(fs::path(pattern) / "info" / "commit-graphs");
        return fs::path(pattern);
    }();
    return folder;
}

void write(const fs::path& path, std::string_view bytes) {
    std::ofstream(path, std::ios::binary | std::ios::trunc).write(bytes.data(), bytes.size());
}

// Lay the input out as a graph file or a chain of two under `objects`.
void lay_out(const fs::path& objects, std::string_view input) {
    const auto chain = objects / "info" / "commit-graphs";
    if (input.size() < 3 || !(input[0] & 1)) {
        std::error_code ignored;
        fs::remove(chain / "commit-graph-chain", ignored);
        write(objects / "info" / "commit-graph",
              input.substr(std::min<std::size_t>(1, input.size())));
        return;
    }
    const auto base = std::size_t{static_cast<unsigned char>(input[1])} << 8 |
                      static_cast<unsigned char>(input[2]);
    input.remove_prefix(3);
    write(chain / "graph-base.graph", input.substr(0, base));
    write(chain / "graph-top.graph", input.substr(std::min(base, input.size())));
    write(chain / "commit-graph-chain", "base\ntop\n");
}

void read_every_commit(const git::CommitGraphFile& graph) {
    git::CommitFacts facts;
    for (std::uint32_t position = 0; position < graph.size(); ++position) {
        if (!graph.read(position, facts)) {
            continue;
        }
        for (const auto& parent : facts.parents) {
            const auto found = graph.find(parent);
            fuzz::check(!found || *found < graph.size(), "find answers a position in the graph");
        }
    }
}

// Look up ids cut from the input, whose first bytes reach every fanout slot.
void find_input_ids(const git::CommitGraphFile& graph, std::string_view input) {
    for (std::size_t at = 0; at + sizeof(git_oid::id) <= input.size() && at < 64 * 61; at += 61) {
        git_oid id;
        std::memcpy(id.id, input.data() + at, sizeof(id.id));
        const auto found = graph.find(id);
        fuzz::check(!found || *found < graph.size(), "find answers a position in the graph");
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto& objects = objects_folder();
    lay_out(objects, std::string_view(reinterpret_cast<const char*>(data), size));
    const auto graph = git::CommitGraphFile::open(objects);
    if (!graph || !*graph) {
        return 0;
    }
    read_every_commit(**graph);
    find_input_ids(**graph, std::string_view(reinterpret_cast<const char*>(data), size));
    return 0;
}
