#include "derive/derive.hpp"
#include "derive/releases.hpp"
#include "derive/shipments.hpp"

#include <algorithm>
#include <unordered_set>

namespace derive {

namespace {

// What a backfill starts from: the tips to walk and the deployments' refs.
struct Sources {
    std::vector<std::string> tips;
    std::vector<const model::Ref*> release_tags;
    const model::Ref* deploy_branch = nullptr;
};

// A deployment before its time is adjusted and its events are made.
struct Shipment {
    std::string id;
    model::UnixSeconds time = 0;
    std::vector<std::uint32_t> commits;
};

void count_skipped_tag(const Policy& policy, const model::Ref& ref, Summary& summary) {
    if (!matches_release_pattern(policy, ref.name)) {
        ++summary.tags_not_release;
    } else if (ref.peeled_kind != model::ObjectKind::commit) {
        ++summary.tags_not_commit;
    }
}

Sources classify(const model::RefSnapshot& refs, const Policy& policy, Summary& summary) {
    Sources sources;
    std::unordered_set<std::string> tips;
    const std::string deploy_ref = "refs/heads/" + policy.deploy_branch;
    for (const auto& ref : refs) {
        const bool commit = ref.peeled_kind == model::ObjectKind::commit;
        if (ref.name.starts_with("refs/tags/") && !is_release_tag(policy, ref)) {
            count_skipped_tag(policy, ref, summary);
            continue;
        }
        if (!commit || (!is_release_tag(policy, ref) && !is_tracked_branch(policy, ref.name))) {
            continue;
        }
        if (tips.insert(ref.peeled).second) {
            sources.tips.push_back(ref.peeled);
        }
        if (ref.name.starts_with("refs/tags/")) {
            sources.release_tags.push_back(&ref);
        } else if (ref.name == deploy_ref) {
            sources.deploy_branch = &ref;
        }
    }
    return sources;
}

model::UnixSeconds change_time(const model::Commit& commit, ChangeTime mode) {
    return mode == ChangeTime::author ? commit.author_time : commit.committer_time;
}

std::vector<Shipment> tag_shipments(const model::CommitGraph& graph,
                                    const std::vector<const model::Ref*>& tags) {
    std::vector<Release> releases;
    releases.reserve(tags.size());
    for (const auto* ref : tags) {
        const auto& commit = graph.commits[graph.index.at(ref->peeled)];
        releases.push_back(make_release(*ref, ref->tagger_time.value_or(commit.committer_time)));
    }
    sort_releases(releases);
    std::vector<std::uint32_t> starts;
    starts.reserve(releases.size());
    for (const auto& release : releases) {
        starts.push_back(graph.index.at(release.commit));
    }
    auto shipped = shipments(first_reachers(graph, starts), starts.size());
    std::vector<Shipment> result;
    result.reserve(releases.size());
    for (std::size_t i = 0; i < releases.size(); ++i) {
        result.push_back({releases[i].name, releases[i].time, std::move(shipped[i])});
    }
    return result;
}

std::vector<Shipment> branch_shipments(const model::CommitGraph& graph, const model::Ref& branch) {
    std::vector<std::uint32_t> chain{graph.index.at(branch.peeled)};
    while (graph.commits[chain.back()].first_parent_loaded) {
        chain.push_back(graph.commits[chain.back()].parents.front());
    }
    std::reverse(chain.begin(), chain.end());
    auto shipped = shipments(first_reachers(graph, chain), chain.size());
    std::vector<Shipment> result;
    result.reserve(chain.size());
    for (std::size_t i = 0; i < chain.size(); ++i) {
        const auto& commit = graph.commits[chain[i]];
        result.push_back({commit.id, commit.committer_time, std::move(shipped[i])});
    }
    return result;
}

// Turns shipments and the remaining commits into events, in queueing order,
// keeping those inside the window.
class Emitter {
public:
    Emitter(const model::CommitGraph& graph, const BackfillOptions& options, Derived& out)
        : m_graph(graph), m_options(options), m_out(out), m_emitted(graph.commits.size()) {}

    void ship(const Shipment& shipment) {
        model::Deployment deployment{shipment.id, shipment.time, {}, {}, "git"};
        deployment.changes.reserve(shipment.commits.size());
        for (const auto index : shipment.commits) {
            const auto time = change(index);
            deployment.time = std::max(deployment.time, time);
            deployment.changes.push_back(m_graph.commits[index].id);
        }
        ++m_out.summary.deployments;
        emit(std::move(deployment), deployment.time);
    }

    void rest() {
        for (auto index = m_graph.commits.size(); index-- > 0;) {
            if (!m_emitted[index]) {
                change(static_cast<std::uint32_t>(index));
            }
        }
    }

private:
    model::UnixSeconds change(std::uint32_t index) {
        const auto& commit = m_graph.commits[index];
        const auto time = change_time(commit, m_options.change_time);
        m_emitted[index] = true;
        ++m_out.summary.changes;
        emit(model::Change{commit.id, time, "git", "commit"}, time);
        return time;
    }

    void emit(model::Event event, model::UnixSeconds time) {
        const bool inside = (!m_options.since || time >= *m_options.since) &&
                            (!m_options.until || time < *m_options.until);
        if (inside) {
            m_out.events.push_back(std::move(event));
        } else {
            ++m_out.summary.outside_window;
        }
    }

    const model::CommitGraph& m_graph;
    const BackfillOptions& m_options;
    Derived& m_out;
    std::vector<bool> m_emitted;
};

std::vector<Shipment> plan_shipments(const model::CommitGraph& graph, const Sources& sources,
                                     const Policy& policy, Summary& summary) {
    if (policy.strategy == Strategy::tags) {
        return tag_shipments(graph, sources.release_tags);
    }
    if (policy.strategy == Strategy::branch) {
        if (sources.deploy_branch == nullptr) {
            summary.notes.push_back("deploy branch '" + policy.deploy_branch +
                                    "' not found: no deployments");
            return {};
        }
        return branch_shipments(graph, *sources.deploy_branch);
    }
    return {};
}

} // namespace

model::Expected<Derived> backfill(const model::RefSnapshot& refs, History& history,
                                  const Policy& policy, const BackfillOptions& options) {
    Derived out;
    const auto sources = classify(refs, policy, out.summary);
    if (sources.tips.empty()) {
        out.summary.notes.push_back(refs.empty() ? "the repository is empty: nothing to report"
                                                 : "no tracked branch or release tag");
        return out;
    }
    TRY_ASSIGN(auto graph, history.commits(sources.tips, {}));
    out.summary.commits = graph.commits.size();
    out.events.reserve(graph.commits.size() + sources.release_tags.size());
    Emitter emitter(graph, options, out);
    for (const auto& shipment : plan_shipments(graph, sources, policy, out.summary)) {
        emitter.ship(shipment);
    }
    emitter.rest();
    out.history = std::move(graph);
    return out;
}

} // namespace derive
