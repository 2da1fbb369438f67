#include "git/commit_walk.hpp"

#include "git/commit_graph_file.hpp"
#include "git/oid_index.hpp"

#include <cstring>
#include <limits>
#include <queue>
#include <string>
#include <unordered_map>

namespace git {

namespace {

constexpr int k_slop = 5;
constexpr std::size_t k_progress_every = 4096;
constexpr std::uint32_t k_absent = OidIndex::k_absent;

// One commit met by a walk; its parents are a range of Walk::m_parents.
struct Node {
    std::uint32_t parent_begin = 0;
    std::uint32_t parent_count = 0;
    model::UnixSeconds committer_time = 0;
    model::UnixSeconds author_time = 0;
    bool parsed = false;
    bool seen = false;
    bool uninteresting = false;
    bool queued = false;
};

// The commits met by one walk, each read at most once, in flat arrays (a
// walk of millions of commits must not allocate per commit). With a
// commit-graph file, a commit it holds is numbered by its position there and
// its parents are read as positions: no id is looked up on the hot path.
// Commits the file lacks (newer than it) are numbered after its positions.
// Only a full walk numbers by position: it meets most of the file's commits,
// while a hook's short walk would pay for a node per commit of the file.
class Walk {
public:
    Walk(CommitReader& reader, const WalkProgress& progress, bool by_position)
        : m_reader(reader), m_graph(by_position ? reader.graph() : nullptr), m_progress(progress),
          m_base(m_graph ? m_graph->size() : 0), m_nodes(m_base) {}

    std::uint32_t node(const git_oid& id) {
        if (m_graph) {
            if (const auto position = m_graph->find(id)) {
                return *position;
            }
        }
        auto index = m_index.find(id, m_ids);
        if (index == k_absent) {
            index = static_cast<std::uint32_t>(m_ids.size());
            m_ids.push_back(id);
            m_nodes.emplace_back();
            m_index.insert(id, index, m_ids);
        }
        return m_base + index;
    }

    model::Expected<void> parse(std::uint32_t index) {
        if (m_nodes[index].parsed) {
            return {};
        }
        const auto begin = static_cast<std::uint32_t>(m_parents.size());
        if (index < m_base && m_graph->read_positions(index, m_positions, m_facts.committer_time)) {
            m_facts.author_time = 0;
            m_facts.message.reset();
            m_parents.insert(m_parents.end(), m_positions.begin(), m_positions.end());
        } else {
            TRY(read_object(index));
        }
        Node& n = m_nodes[index];
        n.parent_begin = begin;
        n.parent_count = static_cast<std::uint32_t>(m_parents.size() - begin);
        n.committer_time = m_facts.committer_time;
        n.author_time = m_facts.author_time;
        n.parsed = true;
        if (m_facts.message) {
            m_messages.emplace(index, std::move(*m_facts.message));
        }
        if (m_progress && ++m_parsed % k_progress_every == 0) {
            m_progress(m_parsed);
        }
        return {};
    }

    Node& at(std::uint32_t index) { return m_nodes[index]; }
    std::size_t size() const { return m_nodes.size(); }
    git_oid id(std::uint32_t index) const {
        git_oid id{};
        if (index >= m_base) {
            id = m_ids[index - m_base];
        } else {
            m_graph->id_at(index, id);
        }
        return id;
    }
    // The messages the reader kept, by node index.
    std::unordered_map<std::uint32_t, std::string>& messages() { return m_messages; }
    // The k-th parent of a node (by index, as m_parents may grow meanwhile).
    std::uint32_t parent(std::uint32_t index, std::uint32_t k) const {
        return m_parents[m_nodes[index].parent_begin + k];
    }

private:
    // Read a commit from the object database (or the graph by id), its
    // parents numbered as nodes.
    model::Expected<void> read_object(std::uint32_t index) {
        TRY(m_reader.read(id(index), m_facts));
        for (const auto& parent : m_facts.parents) {
            m_parents.push_back(node(parent));
        }
        return {};
    }

    CommitReader& m_reader;
    const CommitGraphFile* m_graph;
    const WalkProgress& m_progress;
    std::uint32_t m_base;
    std::vector<git_oid> m_ids;
    std::vector<Node> m_nodes;
    std::vector<std::uint32_t> m_parents;
    std::vector<std::uint32_t> m_positions;
    OidIndex m_index;
    CommitFacts m_facts;
    std::unordered_map<std::uint32_t, std::string> m_messages;
    std::size_t m_parsed = 0;
};

// Read every commit reachable from the tips; return the nodes in the walk.
model::Expected<std::vector<std::uint32_t>> walk_all(Walk& walk,
                                                     const std::vector<git_oid>& include) {
    std::vector<std::uint32_t> stack;
    std::vector<std::uint32_t> found;
    for (const auto& tip : include) {
        stack.push_back(walk.node(tip));
    }
    while (!stack.empty()) {
        const auto index = stack.back();
        stack.pop_back();
        if (walk.at(index).seen) {
            continue;
        }
        walk.at(index).seen = true;
        TRY(walk.parse(index));
        found.push_back(index);
        for (std::uint32_t k = walk.at(index).parent_count; k-- > 0;) {
            const auto parent = walk.parent(index, k);
            if (!walk.at(parent).seen) {
                stack.push_back(parent);
            }
        }
    }
    return found;
}

// The newest-first queue of a limited walk, counting the interesting commits
// it holds so the walk knows when only excluded history is left.
class DateQueue {
public:
    explicit DateQueue(Walk& walk) : m_walk(walk) {}

    model::Expected<void> push(std::uint32_t index) {
        if (m_walk.at(index).seen) {
            return {};
        }
        m_walk.at(index).seen = true;
        TRY(m_walk.parse(index));
        Node& n = m_walk.at(index);
        n.queued = true;
        m_interesting += n.uninteresting ? 0 : 1;
        m_queue.emplace(n.committer_time, index);
        return {};
    }

    std::uint32_t pop() {
        const auto index = m_queue.top().second;
        m_queue.pop();
        Node& n = m_walk.at(index);
        n.queued = false;
        m_interesting -= n.uninteresting ? 0 : 1;
        return index;
    }

    // Mark a node and everything already read below it as excluded.
    void mark_uninteresting(std::uint32_t index) {
        std::vector<std::uint32_t> stack{index};
        while (!stack.empty()) {
            const auto current = stack.back();
            stack.pop_back();
            Node& n = m_walk.at(current);
            if (n.uninteresting) {
                continue;
            }
            n.uninteresting = true;
            m_interesting -= n.queued ? 1 : 0;
            for (std::uint32_t k = 0; k < n.parent_count; ++k) {
                stack.push_back(m_walk.parent(current, k));
            }
        }
    }

    bool empty() const { return m_queue.empty(); }
    model::UnixSeconds newest() const { return m_queue.top().first; }
    bool only_uninteresting() const { return m_interesting == 0; }

private:
    Walk& m_walk;
    std::priority_queue<std::pair<model::UnixSeconds, std::uint32_t>> m_queue;
    std::size_t m_interesting = 0;
};

// Return the slop left: git's rule for when a limited walk may stop.
int still_interesting(const DateQueue& queue, model::UnixSeconds last_date, int slop) {
    if (queue.empty()) {
        return 0;
    }
    if (last_date <= queue.newest() || !queue.only_uninteresting()) {
        return k_slop;
    }
    return slop - 1;
}

model::Expected<void> push_tips(Walk& walk, DateQueue& queue, const std::vector<git_oid>& include,
                                const std::vector<git_oid>& exclude) {
    for (const auto& tip : exclude) {
        const auto index = walk.node(tip);
        queue.mark_uninteresting(index);
        TRY(queue.push(index));
    }
    for (const auto& tip : include) {
        TRY(queue.push(walk.node(tip)));
    }
    return {};
}

model::Expected<std::vector<std::uint32_t>>
walk_limited(Walk& walk, const std::vector<git_oid>& include, const std::vector<git_oid>& exclude) {
    DateQueue queue(walk);
    TRY(push_tips(walk, queue, include, exclude));
    std::vector<std::uint32_t> found;
    auto last_date = std::numeric_limits<model::UnixSeconds>::max();
    int slop = k_slop;
    while (!queue.empty()) {
        const auto index = queue.pop();
        const bool uninteresting = walk.at(index).uninteresting;
        for (std::uint32_t k = 0; k < walk.at(index).parent_count; ++k) {
            const auto parent = walk.parent(index, k);
            if (uninteresting) {
                queue.mark_uninteresting(parent);
            }
            TRY(queue.push(parent));
        }
        if (uninteresting) {
            slop = still_interesting(queue, last_date, slop);
            if (slop == 0) {
                break;
            }
            continue;
        }
        last_date = walk.at(index).committer_time;
        found.push_back(index);
    }
    std::erase_if(found, [&](std::uint32_t i) { return walk.at(i).uninteresting; });
    return found;
}

// Return the found nodes children first (Kahn's algorithm over the found
// set), and each node's position in that order (k_absent outside it).
std::pair<std::vector<std::uint32_t>, std::vector<std::uint32_t>>
children_first(Walk& walk, const std::vector<std::uint32_t>& found) {
    std::vector<std::uint32_t> position(walk.size(), k_absent);
    std::vector<std::uint32_t> children(walk.size(), 0);
    for (const auto index : found) {
        position[index] = 0;
    }
    for (const auto index : found) {
        for (std::uint32_t k = 0; k < walk.at(index).parent_count; ++k) {
            const auto parent = walk.parent(index, k);
            children[parent] += position[parent] != k_absent ? 1 : 0;
        }
    }
    std::vector<std::uint32_t> ready;
    for (auto it = found.rbegin(); it != found.rend(); ++it) {
        if (children[*it] == 0) {
            ready.push_back(*it);
        }
    }
    std::vector<std::uint32_t> order;
    order.reserve(found.size());
    while (!ready.empty()) {
        const auto index = ready.back();
        ready.pop_back();
        position[index] = static_cast<std::uint32_t>(order.size());
        order.push_back(index);
        for (std::uint32_t k = walk.at(index).parent_count; k-- > 0;) {
            const auto parent = walk.parent(index, k);
            if (position[parent] != k_absent && --children[parent] == 0) {
                ready.push_back(parent);
            }
        }
    }
    return {std::move(order), std::move(position)};
}

model::CommitGraph build_graph(Walk& walk, const std::vector<std::uint32_t>& found) {
    const auto [order, position] = children_first(walk, found);
    model::CommitGraph graph;
    graph.reserve(order.size());
    model::RawId raw;
    for (const auto index : order) {
        const Node& n = walk.at(index);
        model::Commit commit;
        commit.committer_time = n.committer_time;
        commit.author_time = n.author_time;
        commit.first_parent_loaded =
            n.parent_count > 0 && position[walk.parent(index, 0)] != k_absent;
        const auto id = walk.id(index);
        std::memcpy(raw.data(), id.id, raw.size());
        graph.add(raw, commit);
        for (std::uint32_t k = 0; k < n.parent_count; ++k) {
            if (const auto p = position[walk.parent(index, k)]; p != k_absent) {
                graph.add_parent(p);
            }
        }
    }
    for (auto& [index, message] : walk.messages()) {
        if (position[index] != k_absent) {
            graph.messages.emplace(position[index], std::move(message));
        }
    }
    return graph;
}

} // namespace

model::Expected<model::CommitGraph> walk_commits(CommitReader& reader,
                                                 const std::vector<git_oid>& include,
                                                 const std::vector<git_oid>& exclude,
                                                 const WalkProgress& progress) {
    Walk walk(reader, progress, exclude.empty());
    TRY_ASSIGN(const auto found,
               exclude.empty() ? walk_all(walk, include) : walk_limited(walk, include, exclude));
    return build_graph(walk, found);
}

} // namespace git
