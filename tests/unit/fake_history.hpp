#pragma once

// An in-memory repository for derive's rule tests: commits named by short
// ids, refs and tags declared in a line each, read through derive::History
// the way pipeline::RepositoryHistory reads a real one, without git.

#include "derive/derive.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace fake_history {

// A repository held in memory. Every commit and annotated tag is one minute
// after the previous one unless a time is given, as in git_fixture::GitRepo.
class FakeHistory : public derive::History {
public:
    // Add a commit with its parents (first parent first); return its id.
    const std::string& commit(const std::string& id, const std::vector<std::string>& parents = {},
                              std::optional<long long> time = std::nullopt,
                              std::optional<long long> author_time = std::nullopt) {
        for (const auto& parent : parents) {
            require_kind(parent, Kind::commit);
        }
        const auto committed = stamp(time);
        add({id, Kind::commit, parents, committed, author_time.value_or(committed), ""});
        return id;
    }

    // Give a commit a message (commits have none unless given one).
    void set_message(const std::string& id, const std::string& message) {
        require_kind(id, Kind::commit);
        m_messages[id] = message;
    }

    // Return commits() with the messages that contain `marker`.
    model::Expected<model::CommitGraph>
    commits_with_messages(const std::vector<std::string>& include,
                          const std::vector<std::string>& exclude,
                          std::string_view marker) override {
        auto graph = commits(include, exclude);
        if (graph) {
            for (const auto& [id, message] : m_messages) {
                const auto found = graph->find(id);
                if (found && message.find(marker) != std::string::npos) {
                    graph->messages.emplace(*found, message);
                }
            }
        }
        return graph;
    }

    // Return the commit an id prefix names among every object, as git does.
    model::Expected<derive::IdLookup> lookup_commit(const std::string& prefix) override {
        ++m_lookups;
        std::vector<std::string> matches;
        for (const auto& [id, object] : m_objects) {
            if (id.starts_with(prefix)) {
                matches.push_back(id);
            }
        }
        using Outcome = derive::IdLookup::Outcome;
        if (matches.size() > 1) {
            return derive::IdLookup{Outcome::ambiguous, ""};
        }
        if (matches.empty() || !is_commit(matches.front())) {
            return derive::IdLookup{Outcome::unknown, ""};
        }
        return derive::IdLookup{Outcome::found, matches.front()};
    }

    // Return a commit's message.
    model::Expected<std::string> message(const std::string& id) override {
        require_kind(id, Kind::commit);
        const auto it = m_messages.find(id);
        return it == m_messages.end() ? std::string() : it->second;
    }

    // Return how many ids were looked up.
    int lookups() const { return m_lookups; }

    // Add commits one on top of the other, the first on `parent` (or a root).
    void chain(const std::vector<std::string>& ids, const std::string& parent = "") {
        std::string previous = parent;
        for (const auto& id : ids) {
            commit(id, previous.empty() ? std::vector<std::string>{} : std::vector{previous});
            previous = id;
        }
    }

    // Add an object that is not a commit (a tree, for tags that peel to one).
    void tree(const std::string& id) { add({id, Kind::tree, {}, 0, 0, ""}); }

    // Point refs/heads/NAME at a commit.
    void branch(const std::string& name, const std::string& target) {
        set_ref("refs/heads/" + name, target);
    }

    // Point refs/tags/NAME straight at an object (a lightweight tag).
    void tag(const std::string& name, const std::string& target) {
        set_ref("refs/tags/" + name, target);
    }

    // Make an annotated tag object on `target` (an object or another tag
    // object) tagged at `time`, point refs/tags/NAME at it; return its id.
    std::string annotated_tag(const std::string& name, const std::string& target,
                              std::optional<long long> time = std::nullopt) {
        const auto id = tag_object(name, target, time);
        set_ref("refs/tags/" + name, id);
        return id;
    }

    // Make an annotated tag object that no ref points at yet; return its id.
    std::string tag_object(const std::string& name, const std::string& target,
                           std::optional<long long> time = std::nullopt) {
        object(target);
        const auto id = "tag:" + name + "#" + std::to_string(++m_tag_objects);
        add({id, Kind::tag, {}, stamp(time), 0, target});
        return id;
    }

    // Point a ref, full name, at an object.
    void set_ref(const std::string& name, const std::string& target) {
        object(target);
        m_refs[name] = target;
    }

    // Delete a ref, full name.
    void remove_ref(const std::string& name) {
        if (m_refs.erase(name) == 0) {
            throw std::logic_error("no ref " + name);
        }
    }

    // Return every ref peeled, sorted by name, as git::Repository::refs reads them.
    model::RefSnapshot refs() const {
        model::RefSnapshot snapshot;
        for (const auto& [name, target] : m_refs) {
            snapshot.push_back(describe(name, target));
        }
        return snapshot;
    }

    // Return the commits reachable from `include` and from none of `exclude`,
    // children before parents. Tips peel through tags; an excluded tip that
    // is unknown or no commit excludes nothing, as in git::Repository.
    model::Expected<model::CommitGraph> commits(const std::vector<std::string>& include,
                                                const std::vector<std::string>& exclude) override {
        std::vector<std::string> tips;
        for (const auto& id : include) {
            const auto peeled = peel(id);
            if (!peeled || m_objects.at(*peeled).kind != Kind::commit) {
                return model::fail("reading history: '" + id + "' is no commit");
            }
            tips.push_back(*peeled);
        }
        std::vector<std::string> excluded_tips;
        for (const auto& id : exclude) {
            if (const auto peeled = peel(id); peeled && is_commit(*peeled)) {
                excluded_tips.push_back(*peeled);
            }
        }
        const auto excluded = reachable(excluded_tips);
        std::vector<std::string> found;
        for (const auto& id : reachable_in_order(tips)) {
            if (!excluded.contains(id)) {
                found.push_back(id);
            }
        }
        return children_first(found);
    }

    // Return a ref as it reads when it points at `target`: peeled, with the
    // outermost tag's tagger time.
    model::Expected<model::Ref> resolve(const std::string& name,
                                        const std::string& target) override {
        if (!m_objects.contains(target)) {
            return model::fail("ref '" + name + "': object '" + target + "' not found");
        }
        return describe(name, target);
    }

    // Return the object a name means, as git reads it: a full ref name, a tag
    // or branch name, or an object id.
    std::string rev_parse(const std::string& name) const {
        for (const auto& prefix : {"", "refs/tags/", "refs/heads/"}) {
            if (const auto it = m_refs.find(prefix + name); it != m_refs.end()) {
                return it->second;
            }
        }
        return object(name).id;
    }

    // Return the ids of the commits `git rev-list TIPS --not EXCLUDED` lists
    // (names as rev_parse reads them).
    std::set<std::string> rev_list(const std::vector<std::string>& tips,
                                   const std::vector<std::string>& excluded = {}) {
        auto graph = commits(parsed(tips), parsed(excluded));
        if (!graph) {
            throw std::logic_error(graph.error().message);
        }
        std::set<std::string> ids;
        for (std::uint32_t i = 0; i < graph->size(); ++i) {
            ids.insert(graph->id(i));
        }
        return ids;
    }

    // Move the clock to a time (the next commit or tag is a minute later).
    void set_time(long long time) { m_clock = time; }
    long long time() const { return m_clock; }

private:
    enum class Kind { commit, tree, tag };

    struct Object {
        std::string id;
        Kind kind = Kind::commit;
        std::vector<std::string> parents;
        long long time = 0;
        long long author_time = 0;
        // What a tag object points at.
        std::string target;
    };

    std::vector<std::string> parsed(const std::vector<std::string>& names) const {
        std::vector<std::string> ids;
        for (const auto& name : names) {
            ids.push_back(rev_parse(name));
        }
        return ids;
    }

    long long stamp(std::optional<long long> time) {
        m_clock = time.value_or(m_clock + 60);
        return m_clock;
    }

    void add(Object object) {
        if (m_objects.contains(object.id)) {
            throw std::logic_error("object " + object.id + " declared twice");
        }
        m_objects.emplace(object.id, std::move(object));
    }

    const Object& object(const std::string& id) const {
        const auto it = m_objects.find(id);
        if (it == m_objects.end()) {
            throw std::logic_error("no object " + id);
        }
        return it->second;
    }

    void require_kind(const std::string& id, Kind kind) const {
        if (object(id).kind != kind) {
            throw std::logic_error(id + " is not of the expected kind");
        }
    }

    bool is_commit(const std::string& id) const { return object(id).kind == Kind::commit; }

    std::optional<std::string> peel(std::string id) const {
        while (m_objects.contains(id) && m_objects.at(id).kind == Kind::tag) {
            id = m_objects.at(id).target;
        }
        return m_objects.contains(id) ? std::optional(id) : std::nullopt;
    }

    model::Ref describe(const std::string& name, const std::string& target) const {
        const auto peeled = *peel(target);
        const auto& outer = object(target);
        const auto kind = object(peeled).kind == Kind::commit ? model::ObjectKind::commit
                                                              : model::ObjectKind::tree;
        const auto tagger = outer.kind == Kind::tag ? std::optional(outer.time) : std::nullopt;
        return model::Ref{name, target, peeled, kind, tagger};
    }

    // Return the commits reachable from the tips, depth first along first
    // parents, each once: the order git::Repository's full walk finds them.
    std::vector<std::string> reachable_in_order(const std::vector<std::string>& tips) const {
        std::vector<std::string> stack(tips.begin(), tips.end());
        std::set<std::string> seen;
        std::vector<std::string> order;
        while (!stack.empty()) {
            const auto id = stack.back();
            stack.pop_back();
            if (!seen.insert(id).second) {
                continue;
            }
            order.push_back(id);
            const auto& parents = object(id).parents;
            stack.insert(stack.end(), parents.rbegin(), parents.rend());
        }
        return order;
    }

    std::set<std::string> reachable(const std::vector<std::string>& tips) const {
        const auto order = reachable_in_order(tips);
        return {order.begin(), order.end()};
    }

    // Order the found commits so that each comes after all its children
    // (Kahn's algorithm), and link parents inside the set.
    model::CommitGraph children_first(const std::vector<std::string>& found) const {
        const std::set<std::string> in_set(found.begin(), found.end());
        std::map<std::string, int> children;
        for (const auto& id : found) {
            for (const auto& parent : object(id).parents) {
                children[parent] += in_set.contains(parent) ? 1 : 0;
            }
        }
        std::vector<std::string> ready;
        for (auto it = found.rbegin(); it != found.rend(); ++it) {
            if (children[*it] == 0) {
                ready.push_back(*it);
            }
        }
        std::vector<std::string> order;
        while (!ready.empty()) {
            const auto id = ready.back();
            ready.pop_back();
            order.push_back(id);
            const auto& parents = object(id).parents;
            for (auto it = parents.rbegin(); it != parents.rend(); ++it) {
                if (in_set.contains(*it) && --children[*it] == 0) {
                    ready.push_back(*it);
                }
            }
        }
        return graph_of(order);
    }

    model::CommitGraph graph_of(const std::vector<std::string>& order) const {
        std::map<std::string, std::uint32_t> index;
        for (std::uint32_t i = 0; i < order.size(); ++i) {
            index.emplace(order[i], i);
        }
        model::CommitGraph graph;
        for (const auto& id : order) {
            const auto& o = object(id);
            model::Commit commit;
            commit.committer_time = o.time;
            commit.author_time = o.author_time;
            commit.first_parent_loaded = !o.parents.empty() && index.contains(o.parents[0]);
            graph.add(id, commit);
            for (const auto& parent : o.parents) {
                if (const auto it = index.find(parent); it != index.end()) {
                    graph.add_parent(it->second);
                }
            }
        }
        return graph;
    }

    std::map<std::string, Object> m_objects;
    std::map<std::string, std::string> m_refs;
    long long m_clock = 1700000000;
    int m_tag_objects = 0;
    std::map<std::string, std::string> m_messages;
    int m_lookups = 0;
};

} // namespace fake_history
