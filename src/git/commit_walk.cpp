#include "git/commit_walk.hpp"

#include <limits>
#include <queue>
#include <unordered_map>

namespace git {

namespace {

constexpr int k_slop = 5;
constexpr std::size_t k_progress_every = 4096;

struct Node {
    git_oid id;
    std::vector<std::uint32_t> parents;
    model::UnixSeconds committer_time = 0;
    model::UnixSeconds author_time = 0;
    bool parsed = false;
    bool seen = false;
    bool uninteresting = false;
    bool queued = false;
};

// The commits met by one walk, each read at most once.
class Walk {
public:
    Walk(CommitReader& reader, const WalkProgress& progress)
        : m_reader(reader), m_progress(progress) {}

    std::uint32_t node(const git_oid& id) {
        const auto [it, inserted] =
            m_index.try_emplace(id, static_cast<std::uint32_t>(m_nodes.size()));
        if (inserted) {
            m_nodes.push_back(Node{id, {}, 0, 0, false, false, false, false});
        }
        return it->second;
    }

    model::Expected<void> parse(std::uint32_t index) {
        if (m_nodes[index].parsed) {
            return {};
        }
        auto facts = m_reader.read(m_nodes[index].id);
        if (!facts) {
            return std::unexpected(facts.error());
        }
        std::vector<std::uint32_t> parents;
        parents.reserve(facts->parents.size());
        for (const auto& parent : facts->parents) {
            parents.push_back(node(parent));
        }
        Node& n = m_nodes[index];
        n.parents = std::move(parents);
        n.committer_time = facts->committer_time;
        n.author_time = facts->author_time;
        n.parsed = true;
        if (m_progress && ++m_parsed % k_progress_every == 0) {
            m_progress(m_parsed);
        }
        return {};
    }

    std::vector<Node>& nodes() { return m_nodes; }

private:
    CommitReader& m_reader;
    const WalkProgress& m_progress;
    std::vector<Node> m_nodes;
    std::unordered_map<git_oid, std::uint32_t, OidHash, OidEqual> m_index;
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
        if (walk.nodes()[index].seen) {
            continue;
        }
        walk.nodes()[index].seen = true;
        if (auto parsed = walk.parse(index); !parsed) {
            return std::unexpected(parsed.error());
        }
        found.push_back(index);
        for (const auto parent : walk.nodes()[index].parents) {
            if (!walk.nodes()[parent].seen) {
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
        Node& n = m_walk.nodes()[index];
        if (n.seen) {
            return {};
        }
        n.seen = true;
        if (auto parsed = m_walk.parse(index); !parsed) {
            return parsed;
        }
        Node& parsed_node = m_walk.nodes()[index];
        parsed_node.queued = true;
        m_interesting += parsed_node.uninteresting ? 0 : 1;
        m_queue.emplace(parsed_node.committer_time, index);
        return {};
    }

    std::uint32_t pop() {
        const auto index = m_queue.top().second;
        m_queue.pop();
        Node& n = m_walk.nodes()[index];
        n.queued = false;
        m_interesting -= n.uninteresting ? 0 : 1;
        return index;
    }

    // Mark a node and everything already read below it as excluded.
    void mark_uninteresting(std::uint32_t index) {
        std::vector<std::uint32_t> stack{index};
        while (!stack.empty()) {
            Node& n = m_walk.nodes()[stack.back()];
            stack.pop_back();
            if (n.uninteresting) {
                continue;
            }
            n.uninteresting = true;
            m_interesting -= n.queued ? 1 : 0;
            stack.insert(stack.end(), n.parents.begin(), n.parents.end());
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

model::Expected<std::vector<std::uint32_t>>
walk_limited(Walk& walk, const std::vector<git_oid>& include, const std::vector<git_oid>& exclude) {
    DateQueue queue(walk);
    for (const auto& tip : exclude) {
        const auto index = walk.node(tip);
        queue.mark_uninteresting(index);
        if (auto pushed = queue.push(index); !pushed) {
            return std::unexpected(pushed.error());
        }
    }
    for (const auto& tip : include) {
        if (auto pushed = queue.push(walk.node(tip)); !pushed) {
            return std::unexpected(pushed.error());
        }
    }
    std::vector<std::uint32_t> found;
    auto last_date = std::numeric_limits<model::UnixSeconds>::max();
    int slop = k_slop;
    while (!queue.empty()) {
        const auto index = queue.pop();
        const bool uninteresting = walk.nodes()[index].uninteresting;
        for (const auto parent : std::vector(walk.nodes()[index].parents)) {
            if (uninteresting) {
                queue.mark_uninteresting(parent);
            }
            if (auto pushed = queue.push(parent); !pushed) {
                return std::unexpected(pushed.error());
            }
        }
        if (uninteresting) {
            slop = still_interesting(queue, last_date, slop);
            if (slop == 0) {
                break;
            }
            continue;
        }
        last_date = walk.nodes()[index].committer_time;
        found.push_back(index);
    }
    std::erase_if(found, [&](std::uint32_t i) { return walk.nodes()[i].uninteresting; });
    return found;
}

// Order the found nodes children first (Kahn's algorithm over the found set)
// and keep only parents inside it.
CommitGraph build_graph(std::vector<Node>& nodes, const std::vector<std::uint32_t>& found) {
    constexpr auto k_absent = std::numeric_limits<std::uint32_t>::max();
    std::vector<std::uint32_t> position(nodes.size(), k_absent);
    std::vector<std::uint32_t> children(nodes.size(), 0);
    for (const auto index : found) {
        position[index] = 0;
    }
    for (const auto index : found) {
        for (const auto parent : nodes[index].parents) {
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
        for (const auto parent : nodes[index].parents) {
            if (position[parent] != k_absent && --children[parent] == 0) {
                ready.push_back(parent);
            }
        }
    }
    CommitGraph graph;
    graph.commits.reserve(order.size());
    graph.index.reserve(order.size());
    for (const auto index : order) {
        const Node& n = nodes[index];
        Commit commit;
        commit.id = to_hex(n.id);
        commit.committer_time = n.committer_time;
        commit.author_time = n.author_time;
        commit.first_parent_loaded = !n.parents.empty() && position[n.parents[0]] != k_absent;
        for (const auto parent : n.parents) {
            if (position[parent] != k_absent) {
                commit.parents.push_back(position[parent]);
            }
        }
        graph.index.emplace(commit.id, static_cast<std::uint32_t>(graph.commits.size()));
        graph.commits.push_back(std::move(commit));
    }
    return graph;
}

} // namespace

model::Expected<CommitGraph> walk_commits(CommitReader& reader, const std::vector<git_oid>& include,
                                          const std::vector<git_oid>& exclude,
                                          const WalkProgress& progress) {
    Walk walk(reader, progress);
    auto found = exclude.empty() ? walk_all(walk, include) : walk_limited(walk, include, exclude);
    if (!found) {
        return std::unexpected(found.error());
    }
    return build_graph(walk.nodes(), *found);
}

} // namespace git
