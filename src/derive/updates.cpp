#include "derive/derive.hpp"
#include "derive/incidents.hpp"
#include "derive/releases.hpp"
#include "derive/revert_line.hpp"
#include "derive/shipments.hpp"
#include "derive/update_incidents.hpp"

#include <algorithm>
#include <unordered_set>

namespace derive {

namespace {

// What the refs looked like before the updates, as derivation needs it.
struct Before {
    // Tips of tracked branches and release tags: their history is not new.
    std::vector<std::string> tracked_tips;
    // Tips of release tags: what earlier deployments shipped.
    std::vector<std::string> release_tips;
    std::unordered_set<std::string> release_names;
    // The release tags themselves, where earlier deployments are found.
    std::vector<const model::Ref*> release_refs;
};

Before read_before(const model::RefSnapshot& refs, const Policy& policy) {
    Before before;
    for (const auto& ref : refs) {
        const bool release = is_release_tag(policy, ref);
        if (release) {
            before.release_tips.push_back(ref.peeled);
            before.release_names.insert(ref.name);
            before.release_refs.push_back(&ref);
        }
        if (release ||
            (ref.peeled_kind == model::ObjectKind::commit && is_tracked_branch(policy, ref.name))) {
            before.tracked_tips.push_back(ref.peeled);
        }
    }
    return before;
}

// What the updates bring: new tips, created release tags, deploy-branch moves.
struct Incoming {
    std::vector<std::string> tips;
    std::vector<model::Ref> created_tags;
    std::vector<RefUpdate> deploy_moves;
};

model::Expected<void> read_tag_update(const RefUpdate& update, const Before& before,
                                      History& history, const Policy& policy, Incoming& incoming,
                                      Summary& summary) {
    if (!matches_release_pattern(policy, update.name)) {
        ++summary.tags_not_release;
        return {};
    }
    TRY_ASSIGN(auto ref, history.resolve(update.name, update.new_id));
    if (ref.peeled_kind != model::ObjectKind::commit) {
        ++summary.tags_not_commit;
        return {};
    }
    incoming.tips.push_back(ref.peeled);
    if (!is_absent(update.old_id) || before.release_names.contains(update.name)) {
        summary.notes.push_back("release tag '" + update.name.substr(10) + "' moved to " +
                                update.new_id +
                                "; it was reported before and is not reported again");
        return {};
    }
    incoming.created_tags.push_back(std::move(ref));
    return {};
}

model::Expected<void> read_update(const RefUpdate& update, const Before& before, History& history,
                                  const Policy& policy, Incoming& incoming, Summary& summary) {
    if (is_absent(update.new_id)) {
        if (before.release_names.contains(update.name)) {
            summary.notes.push_back("release tag '" + update.name.substr(10) +
                                    "' deleted; its deployment stays reported");
        }
        return {};
    }
    if (update.name.starts_with("refs/tags/")) {
        return read_tag_update(update, before, history, policy, incoming, summary);
    }
    if (!is_tracked_branch(policy, update.name)) {
        return {};
    }
    incoming.tips.push_back(update.new_id);
    if (policy.strategy == Strategy::branch &&
        update.name == "refs/heads/" + policy.deploy_branch && update.new_id != update.old_id) {
        incoming.deploy_moves.push_back(update);
    }
    return {};
}

std::vector<std::string> ids_parents_first(const model::CommitGraph& graph,
                                           const std::vector<std::uint32_t>& indexes) {
    std::vector<std::string> ids;
    ids.reserve(indexes.size());
    for (const auto index : indexes) {
        ids.push_back(graph.id(index));
    }
    return ids;
}

std::vector<std::uint32_t> all_parents_first(const model::CommitGraph& graph) {
    std::vector<std::uint32_t> indexes(graph.commits.size());
    for (std::uint32_t i = 0; i < indexes.size(); ++i) {
        indexes[i] = static_cast<std::uint32_t>(indexes.size() - 1 - i);
    }
    return indexes;
}

// Return the commits of a range, with the messages reverts need when asked.
model::Expected<model::CommitGraph> range(History& history, const std::vector<std::string>& include,
                                          const std::vector<std::string>& exclude,
                                          const Policy& policy) {
    return policy.incidents.reverts
               ? history.commits_with_messages(include, exclude, k_revert_marker)
               : history.commits(include, exclude);
}

// The deployments of release tags created by the updates, in tag order.
model::Expected<std::vector<model::Deployment>>
tag_deployments(const std::vector<model::Ref>& created, const Before& before, History& history,
                const std::unordered_set<std::string>& new_changes, model::UnixSeconds now,
                const Policy& policy, UpdateShipments& shipped_by_new) {
    std::vector<Release> releases;
    std::vector<std::string> tips;
    for (const auto& ref : created) {
        releases.push_back(make_release(ref, ref.tagger_time.value_or(now)));
        tips.push_back(ref.peeled);
    }
    sort_releases(releases);
    TRY_ASSIGN(const auto graph, range(history, tips, before.release_tips, policy));
    std::vector<std::uint32_t> starts;
    for (const auto& release : releases) {
        const auto found = graph.find(release.commit);
        // A tag on a commit an existing release ships reaches nothing new.
        starts.push_back(found.value_or(k_unshipped));
    }
    std::vector<std::uint32_t> walkable;
    std::copy_if(starts.begin(), starts.end(), std::back_inserter(walkable),
                 [](std::uint32_t s) { return s != k_unshipped; });
    const auto reachers = first_reachers(graph, walkable);
    auto shipped = shipments(reachers, walkable.size());
    std::vector<model::Deployment> deployments;
    std::size_t next = 0;
    for (std::size_t i = 0; i < releases.size(); ++i) {
        model::Deployment d{releases[i].name, releases[i].time, {}, {}, "git"};
        if (starts[i] != k_unshipped) {
            shipped_by_new.add(static_cast<std::uint32_t>(i), graph, shipped[next]);
            d.changes = ids_parents_first(graph, shipped[next++]);
        }
        const bool ships_new = std::any_of(d.changes.begin(), d.changes.end(), [&](const auto& id) {
            return new_changes.contains(id);
        });
        d.time = ships_new ? std::max(d.time, now) : d.time;
        deployments.push_back(std::move(d));
    }
    return deployments;
}

// A move of the deploy branch back to an ancestor: a rollback incident.
model::Expected<void> add_rollback(const RefUpdate& move, History& history, model::UnixSeconds now,
                                   Derived& out) {
    TRY_ASSIGN(const auto rewound, history.commits({move.old_id}, {move.new_id}));
    const auto& old_commit = rewound.commits[rewound.at(move.old_id)];
    auto incident = rollback_incident(move.old_id, move.new_id, old_commit.committer_time, now);
    out.incident_spans.push_back({incident.id, move.old_id, ""});
    out.events.push_back(std::move(incident));
    ++out.summary.incidents;
    return {};
}

// Add the deployment of one move of the deploy branch, and its incidents.
model::Expected<void> add_branch_deployment(const RefUpdate& move, History& history,
                                            const Policy& policy, model::UnixSeconds now,
                                            Derived& out) {
    const bool created = is_absent(move.old_id);
    const auto exclude = created ? std::vector<std::string>{} : std::vector{move.old_id};
    TRY_ASSIGN(const auto graph, range(history, {move.new_id}, exclude, policy));
    const std::vector<model::Deployment> deployments{model::Deployment{
        move.new_id, now, ids_parents_first(graph, all_parents_first(graph)), {}, "git"}};
    out.events.push_back(deployments.front());
    ++out.summary.deployments;
    if (policy.incidents.rollbacks && !created && graph.commits.empty()) {
        TRY(add_rollback(move, history, now, out));
    }
    if (policy.incidents.reverts) {
        UpdateShipments shipped(created ? std::string() : move.old_id);
        shipped.add(0, graph, all_parents_first(graph));
        TRY(shipped.add_revert_incidents(deployments, history, out));
    }
    return {};
}

} // namespace

model::Expected<Derived> updates(const model::RefSnapshot& before_refs,
                                 const std::vector<RefUpdate>& ref_updates, History& history,
                                 const Policy& policy, model::UnixSeconds now) {
    Derived out;
    const auto before = read_before(before_refs, policy);
    Incoming incoming;
    for (const auto& update : ref_updates) {
        TRY(read_update(update, before, history, policy, incoming, out.summary));
    }
    std::unordered_set<std::string> new_changes;
    if (!incoming.tips.empty()) {
        TRY_ASSIGN(const auto graph, history.commits(incoming.tips, before.tracked_tips));
        out.summary.commits = graph.commits.size();
        for (const auto index : all_parents_first(graph)) {
            const auto id = graph.id(index);
            new_changes.insert(id);
            out.events.push_back(model::Change{id, now, "git", "commit"});
        }
        out.summary.changes = new_changes.size();
    }
    if (policy.strategy == Strategy::tags && !incoming.created_tags.empty()) {
        UpdateShipments shipped(before.release_refs);
        TRY_ASSIGN(const auto deployments, tag_deployments(incoming.created_tags, before, history,
                                                           new_changes, now, policy, shipped));
        out.summary.deployments = deployments.size();
        out.events.insert(out.events.end(), deployments.begin(), deployments.end());
        if (policy.incidents.reverts) {
            TRY(shipped.add_revert_incidents(deployments, history, out));
        }
    } else if (policy.strategy == Strategy::branch) {
        for (const auto& move : incoming.deploy_moves) {
            TRY(add_branch_deployment(move, history, policy, now, out));
        }
    }
    note_unresolved_reverts(out.summary);
    return out;
}

} // namespace derive
