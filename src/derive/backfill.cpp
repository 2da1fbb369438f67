#include "derive/derive.hpp"
#include "derive/incidents.hpp"
#include "derive/releases.hpp"
#include "derive/revert_line.hpp"
#include "derive/shipments.hpp"

#include <algorithm>
#include <iterator>
#include <unordered_set>

namespace derive {

namespace {

// What a backfill starts from: the tips to walk and the deployments' refs.
struct Sources {
    std::vector<std::string> tips;
    std::vector<const model::Ref*> release_tags;
    const model::Ref* deploy_branch = nullptr;
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

// How many events are handed to the sink at a time.
constexpr std::size_t k_chunk = 4096;

// Collects a backfill's events in Derived::events.
class Collect : public EventSink {
public:
    explicit Collect(std::vector<model::Event>& events) : m_events(events) {}
    void expect(std::size_t events) override { m_events.reserve(events); }
    void take(std::vector<model::Event>& events) override {
        std::move(events.begin(), events.end(), std::back_inserter(m_events));
    }

private:
    std::vector<model::Event>& m_events;
};

// Turns shipments and the remaining commits into events, in queueing order,
// keeping those inside the window, and hands them to the sink in chunks.
class Emitter {
public:
    Emitter(const model::CommitGraph& graph, const BackfillOptions& options, Derived& out,
            EventSink& sink)
        : m_graph(graph), m_options(options), m_out(out), m_sink(sink),
          m_emitted(graph.commits.size()) {
        m_buffer.reserve(k_chunk);
    }

    // Emit a shipment's changes and deployment; return the deployment's time.
    model::UnixSeconds ship(const Shipment& shipment) {
        model::Deployment deployment{shipment.id, shipment.time, {}, {}, "git"};
        deployment.changes.reserve(shipment.commits.size());
        for (const auto index : shipment.commits) {
            const auto time = change(index);
            deployment.time = std::max(deployment.time, time);
            deployment.changes.push_back(m_graph.id(index));
        }
        ++m_out.summary.deployments;
        const auto time = deployment.time;
        emit(std::move(deployment), time);
        return time;
    }

    // Emit an incident, counted as of its resolution (when a hook would
    // derive it).
    void incident(model::Incident incident) {
        ++m_out.summary.incidents;
        const auto time = incident.resolved;
        emit(std::move(incident), time);
    }

    void rest() {
        for (auto index = m_graph.commits.size(); index-- > 0;) {
            if (!m_emitted[index]) {
                change(static_cast<std::uint32_t>(index));
            }
        }
    }

    // Hand the events still buffered to the sink.
    void flush() {
        if (!m_buffer.empty()) {
            m_sink.take(m_buffer);
            m_buffer.clear();
        }
    }

private:
    model::UnixSeconds change(std::uint32_t index) {
        const auto& commit = m_graph.commits[index];
        const auto time = change_time(commit, m_options.change_time);
        m_emitted[index] = true;
        ++m_out.summary.changes;
        emit(model::Change{m_graph.id(index), time, "git", "commit"}, time);
        return time;
    }

    void emit(model::Event event, model::UnixSeconds time) {
        const bool inside = (!m_options.since || time >= *m_options.since) &&
                            (!m_options.until || time < *m_options.until);
        if (inside) {
            m_buffer.push_back(std::move(event));
            if (m_buffer.size() >= k_chunk) {
                flush();
            }
        } else {
            ++m_out.summary.outside_window;
        }
    }

    const model::CommitGraph& m_graph;
    const BackfillOptions& m_options;
    Derived& m_out;
    EventSink& m_sink;
    std::vector<bool> m_emitted;
    std::vector<model::Event> m_buffer;
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
        return branch_shipments(graph, sources.deploy_branch->peeled);
    }
    return {};
}

} // namespace

model::Expected<Derived> backfill(const model::RefSnapshot& refs, History& history,
                                  const Policy& policy, const BackfillOptions& options) {
    std::vector<model::Event> events;
    Collect collect(events);
    TRY_ASSIGN(auto out, backfill(refs, history, policy, options, collect));
    out.events = std::move(events);
    return out;
}

model::Expected<Derived> backfill(const model::RefSnapshot& refs, History& history,
                                  const Policy& policy, const BackfillOptions& options,
                                  EventSink& sink) {
    Derived out;
    const auto sources = classify(refs, policy, out.summary);
    if (sources.tips.empty()) {
        out.summary.notes.push_back(refs.empty() ? "the repository is empty: nothing to report"
                                                 : "no tracked branch or release tag");
        return out;
    }
    // Messages are read only when reverts are asked for: a walk that keeps
    // them reads every commit object, which git's commit-graph spares others.
    TRY_ASSIGN(auto graph, policy.incidents.reverts&& policy.strategy != Strategy::none
                               ? history.commits_with_messages(sources.tips, {}, k_revert_marker)
                               : history.commits(sources.tips, {}));
    out.summary.commits = graph.commits.size();
    const auto shipments = plan_shipments(graph, sources, policy, out.summary);
    std::vector<RevertIncident> reverts;
    if (policy.incidents.reverts) {
        TRY_ASSIGN(reverts, revert_incidents(graph, shipments, history, out.summary));
    }
    sink.expect(graph.commits.size() + shipments.size() + reverts.size());
    Emitter emitter(graph, options, out, sink);
    std::vector<model::UnixSeconds> times;
    times.reserve(shipments.size());
    auto next = reverts.begin();
    for (const auto& shipment : shipments) {
        times.push_back(emitter.ship(shipment));
        for (; next != reverts.end() && next->resolved_by + 1 == times.size(); ++next) {
            emitter.incident(
                revert_incident(graph.id(next->revert), times[next->opened_by], times.back()));
        }
    }
    emitter.rest();
    emitter.flush();
    out.history = std::move(graph);
    note_unresolved_reverts(out.summary);
    return out;
}

} // namespace derive
