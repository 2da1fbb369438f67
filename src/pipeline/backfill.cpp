#include "pipeline/backfill.hpp"

#include "outbox/first_load.hpp"
#include "pipeline/envelopes.hpp"
#include "pipeline/repository_history.hpp"

namespace pipeline {

namespace {

// Walk the history reachable from the refs and derive its events.
model::Expected<derive::Derived> walk(git::Repository& repo, const model::RefSnapshot& refs,
                                      const derive::Policy& policy,
                                      const derive::BackfillOptions& options,
                                      const BackfillProgress& progress) {
    // A commit-graph file counts the commits: enough for an ETA.
    progress.phase("reading history (commits)", repo.commit_graph_size());
    repo.set_walk_options({.progress = progress.update,
                           .author_times = options.change_time == derive::ChangeTime::author,
                           .message_marker = {}});
    RepositoryHistory history(repo);
    return derive::backfill(refs, history, policy, options);
}

} // namespace

model::Expected<BackfilledRepository> derive_history(const config::Config& file,
                                                     const BackfillRequest& request,
                                                     const BackfillProgress& progress) {
    TRY_ASSIGN(auto repo, git::Repository::open(request.path));
    TRY_ASSIGN(auto resolved, resolve_repository(file, repo, request.overrides));
    progress.phase("reading refs", std::nullopt);
    progress.update(0);
    TRY_ASSIGN(const auto refs, repo.refs());
    TRY_ASSIGN(auto derived, walk(repo, refs, resolved.policy, request.options, progress));
    progress.phase("deriving events", std::nullopt);
    if (auto boundary = repo.shallow_boundary()) {
        derived.summary.notes.insert(derived.summary.notes.begin(), *boundary);
    }
    return BackfilledRepository{request.path, resolved.system, std::move(derived), std::move(repo)};
}

std::future<void> drop_history(BackfilledRepository& backfilled) {
    return std::async(std::launch::async, [history = std::move(backfilled.derived.history),
                                           repo = std::move(backfilled.repo)]() mutable {
        const auto dropped_history = std::move(history);
        const auto dropped_repo = std::move(repo);
    });
}

outbox::EnqueueResult queue_history(const std::filesystem::path& path,
                                    std::optional<outbox::Outbox>& box,
                                    const BackfilledRepository& backfilled,
                                    const outbox::EnqueueProgress& progress) {
    const auto& events = backfilled.derived.events;
    if (!box) {
        auto created = outbox::create_with_events(path, backfilled.system, k_backfill_environment,
                                                  events, progress);
        box.emplace(model::value_or_throw(outbox::Outbox::open(path)));
        if (created) {
            return std::move(*created);
        }
    }
    return box->enqueue_history(backfilled.system, k_backfill_environment, events, progress);
}

} // namespace pipeline
