#include "derive/pre_push.hpp"

#include <algorithm>

namespace derive {

namespace {

// Return the local ref as it would read under the remote's name.
model::Ref as_remote_ref(const model::RefSnapshot& refs, const PushedRef& pushed) {
    const auto it = std::find_if(refs.begin(), refs.end(),
                                 [&](const model::Ref& r) { return r.name == pushed.local_ref; });
    model::Ref ref = it != refs.end() && it->target == pushed.local_id
                         ? *it
                         : model::Ref{pushed.remote_ref, pushed.local_id, pushed.local_id,
                                      model::ObjectKind::commit, std::nullopt};
    ref.name = pushed.remote_ref;
    return ref;
}

// Return the ids whose history the push sends: tracked branches and release tags.
std::vector<std::string> sent_tips(const std::vector<PushedRef>& pushed,
                                   const model::RefSnapshot& refs, const Policy& policy) {
    std::vector<std::string> tips;
    for (const auto& p : pushed) {
        if (p.local_id.empty()) {
            continue;
        }
        if (is_tracked_branch(policy, p.remote_ref) ||
            is_release_tag(policy, as_remote_ref(refs, p))) {
            tips.push_back(p.local_id);
        }
    }
    return tips;
}

// Return what the remote is known to have: its old ids that exist here, and
// its remote-tracking refs.
std::vector<std::string> remote_has(History& history, const std::vector<PushedRef>& pushed,
                                    const model::RefSnapshot& refs, const std::string& remote) {
    std::vector<std::string> known;
    for (const auto& p : pushed) {
        if (p.remote_id.empty()) {
            continue;
        }
        // An id the remote got from elsewhere and this clone never fetched
        // excludes nothing: what it reaches cannot be sent from here anyway.
        auto ref = history.resolve(p.remote_ref, p.remote_id);
        if (ref && ref->peeled_kind == model::ObjectKind::commit) {
            known.push_back(ref->peeled);
        }
    }
    const auto prefix = "refs/remotes/" + remote + "/";
    for (const auto& ref : refs) {
        if (ref.name.starts_with(prefix) && ref.peeled_kind == model::ObjectKind::commit) {
            known.push_back(ref.peeled);
        }
    }
    return known;
}

} // namespace

model::Expected<Derived> pre_push(const std::vector<PushedRef>& pushed,
                                  const model::RefSnapshot& refs, const std::string& remote,
                                  History& history, const Policy& policy, model::UnixSeconds now) {
    Derived out;
    const auto tips = sent_tips(pushed, refs, policy);
    if (tips.empty()) {
        return out;
    }
    TRY_ASSIGN(const auto graph, history.commits(tips, remote_has(history, pushed, refs, remote)));
    out.events.reserve(graph.commits.size());
    for (auto index = static_cast<std::uint32_t>(graph.size()); index-- > 0;) {
        out.events.push_back(model::Change{graph.id(index), now, "git", "commit"});
    }
    out.summary.commits = graph.commits.size();
    out.summary.changes = graph.commits.size();
    return out;
}

} // namespace derive
