#include "derive/git_deployment.hpp"

namespace derive {

namespace {

model::UnixSeconds change_time(const model::Commit& commit, ChangeTime mode) {
    return mode == ChangeTime::author ? commit.author_time : commit.committer_time;
}

// Return whether the deployment counts a commit: every commit without a path filter.
model::Expected<bool> counts(const GitDeployment& deployment, const std::string& commit) {
    return deployment.touches ? deployment.touches(commit) : model::Expected<bool>(true);
}

} // namespace

model::Expected<Derived> git_deployment(const GitDeployment& deployment, History& history) {
    TRY_ASSIGN(const auto graph, history.commits({deployment.head}, {deployment.previous}));
    Derived out;
    out.summary.commits = graph.commits.size();
    model::Deployment listed{
        deployment.id, deployment.time, {}, deployment.teams, deployment.source};
    for (std::uint32_t index = 0; index < graph.size(); ++index) {
        const auto id = graph.id(index);
        TRY_ASSIGN(const bool counted, counts(deployment, id));
        if (counted) {
            listed.changes.push_back(id);
            out.events.push_back(
                model::Change{id, change_time(graph.commits[index], deployment.change_time),
                              deployment.source, "commit"});
        }
    }
    out.summary.changes = listed.changes.size();
    out.summary.deployments = 1;
    out.events.push_back(std::move(listed));
    return out;
}

} // namespace derive
