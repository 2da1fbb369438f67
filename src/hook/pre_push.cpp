#include "hook/pre_push.hpp"

#include "derive/hook_input.hpp"
#include "hook/detached_delivery.hpp"

#include <algorithm>

namespace hook {

namespace {

// Return the local ref as it would read under the remote's name.
model::Ref as_remote_ref(const model::RefSnapshot& refs, const derive::PushedRef& pushed) {
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
std::vector<std::string> sent_tips(const std::vector<derive::PushedRef>& pushed,
                                   const model::RefSnapshot& refs, const derive::Policy& policy) {
    std::vector<std::string> tips;
    for (const auto& p : pushed) {
        if (p.local_id.empty()) {
            continue;
        }
        if (derive::is_tracked_branch(policy, p.remote_ref) ||
            derive::is_release_tag(policy, as_remote_ref(refs, p))) {
            tips.push_back(p.local_id);
        }
    }
    return tips;
}

// Return what the remote is known to have: its old ids that exist here, and
// its remote-tracking refs.
std::vector<std::string> remote_has(git::Repository& repo,
                                    const std::vector<derive::PushedRef>& pushed,
                                    const model::RefSnapshot& refs, const std::string& remote) {
    std::vector<std::string> known;
    for (const auto& p : pushed) {
        if (p.remote_id.empty()) {
            continue;
        }
        auto ref = repo.resolve(p.remote_ref, p.remote_id);
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

std::vector<model::Event> changes_of(const model::CommitGraph& graph, model::UnixSeconds now) {
    std::vector<model::Event> events;
    events.reserve(graph.commits.size());
    for (auto it = graph.commits.rbegin(); it != graph.commits.rend(); ++it) {
        events.push_back(model::Change{it->id, now, "git", "commit"});
    }
    return events;
}

model::Expected<derive::Derived> new_changes(git::Repository& repo,
                                             const pipeline::RepositorySettings& target,
                                             const std::vector<derive::PushedRef>& pushed,
                                             const std::string& remote, model::UnixSeconds now) {
    auto refs = repo.refs();
    if (!refs) {
        return std::unexpected(refs.error());
    }
    const auto tips = sent_tips(pushed, *refs, target.policy);
    if (tips.empty()) {
        return derive::Derived{};
    }
    auto graph = repo.commits(tips, remote_has(repo, pushed, *refs, remote));
    if (!graph) {
        return std::unexpected(graph.error());
    }
    return derive::Derived{changes_of(*graph, now), {}};
}

// Start a detached delivery when the config asks for one (hook.deliver:
// background) and something new was queued.
void start_delivery(const config::Settings& settings, pipeline::Recorded& recorded) {
    const bool background = settings.file.hook.deliver == "background";
    if (background && settings.api_key && recorded.changes + recorded.deployments > 0) {
        if (auto started = start_detached_delivery(); !started) {
            recorded.delivery_problem = started.error().message;
        }
    }
}

} // namespace

model::Expected<pipeline::HookOutcome>
record_pre_push(const config::Settings& settings, const std::filesystem::path& git_dir,
                const std::string& remote, std::string_view input, model::UnixSeconds now) {
    auto pushed = derive::parse_pre_push(input);
    if (!pushed) {
        return std::unexpected(pushed.error());
    }
    if (pushed->empty()) {
        return pipeline::HookOutcome{};
    }
    auto outcome = pipeline::record_push(
        settings, git_dir, pipeline::k_pre_push_environment,
        [&](git::Repository& repo, const pipeline::RepositorySettings& target) {
            return new_changes(repo, target, *pushed, remote, now);
        });
    if (outcome) {
        start_delivery(settings, outcome->recorded);
    }
    return outcome;
}

} // namespace hook
