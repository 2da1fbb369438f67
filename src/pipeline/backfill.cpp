#include "pipeline/backfill.hpp"

#include "outbox/history_load.hpp"
#include "pipeline/envelopes.hpp"
#include "pipeline/repository_history.hpp"

#include <iterator>

namespace pipeline {

namespace {

// A repository opened for a backfill, with the settings it resolved.
struct Opened {
    git::Repository repo;
    RepositorySettings resolved;
    model::RefSnapshot refs;
};

model::Expected<Opened> open_history(const config::Config& file, const BackfillRequest& request,
                                     const BackfillProgress& progress) {
    TRY_ASSIGN(auto repo, git::Repository::open(request.path));
    TRY_ASSIGN(auto resolved, resolve_repository(file, repo, request.overrides));
    progress.phase("reading refs", std::nullopt);
    progress.update(0);
    TRY_ASSIGN(auto refs, repo.refs());
    return Opened{std::move(repo), std::move(resolved), std::move(refs)};
}

// Walk the history reachable from the refs and derive its events into `sink`.
model::Expected<derive::Derived> walk(Opened& opened, const derive::BackfillOptions& options,
                                      const BackfillProgress& progress, derive::EventSink& sink) {
    auto& repo = opened.repo;
    // A commit-graph file counts the commits: enough for an ETA.
    progress.phase("reading history (commits)", repo.commit_graph_size());
    repo.set_walk_options({.progress = progress.update,
                           .author_times = options.change_time == derive::ChangeTime::author,
                           .message_marker = {}});
    RepositoryHistory history(repo);
    TRY_ASSIGN(auto derived,
               derive::backfill(opened.refs, history, opened.resolved.policy, options, sink));
    if (auto boundary = repo.shallow_boundary()) {
        derived.summary.notes.insert(derived.summary.notes.begin(), *boundary);
    }
    return derived;
}

BackfilledRepository finished(const BackfillRequest& request, Opened& opened,
                              derive::Derived derived) {
    return BackfilledRepository{request.path, opened.resolved.system, std::move(derived),
                                std::move(opened.repo)};
}

// Collects a backfill's events in Derived::events.
class Collect : public derive::EventSink {
public:
    void take(std::vector<model::Event>& events) override {
        std::move(events.begin(), events.end(), std::back_inserter(all));
    }
    std::vector<model::Event> all;
};

// Queues a backfill's events as they are derived.
class Load : public derive::EventSink {
public:
    Load(outbox::HistoryLoad& load, const BackfillProgress& progress)
        : m_load(load), m_progress(progress) {}
    void expect(std::size_t events) override {
        m_progress.phase("queueing events", events);
        m_load.expect(events);
    }
    void take(std::vector<model::Event>& events) override { m_load.add(events); }

private:
    outbox::HistoryLoad& m_load;
    const BackfillProgress& m_progress;
};

// Derive into a load and finish it; nullopt when a first load lost its race.
model::Expected<std::optional<outbox::EnqueueResult>>
load(outbox::HistoryLoad& into, Opened& opened, const BackfillRequest& request,
     const BackfillProgress& progress, derive::Derived& derived) {
    Load sink(into, progress);
    TRY_ASSIGN(derived, walk(opened, request.options, progress, sink));
    return into.finish();
}

} // namespace

model::Expected<BackfilledRepository> derive_history(const config::Config& file,
                                                     const BackfillRequest& request,
                                                     const BackfillProgress& progress,
                                                     derive::EventSink& sink) {
    TRY_ASSIGN(auto opened, open_history(file, request, progress));
    TRY_ASSIGN(auto derived, walk(opened, request.options, progress, sink));
    return finished(request, opened, std::move(derived));
}

model::Expected<BackfilledRepository> derive_history(const config::Config& file,
                                                     const BackfillRequest& request,
                                                     const BackfillProgress& progress) {
    Collect collect;
    TRY_ASSIGN(auto run, derive_history(file, request, progress, collect));
    run.derived.events = std::move(collect.all);
    return run;
}

std::future<void> drop_history(BackfilledRepository& backfilled) {
    return std::async(std::launch::async, [history = std::move(backfilled.derived.history),
                                           repo = std::move(backfilled.repo)]() mutable {
        const auto dropped_history = std::move(history);
        const auto dropped_repo = std::move(repo);
    });
}

model::Expected<QueuedRepository> queue_history(const std::filesystem::path& path,
                                                std::optional<outbox::Outbox>& box,
                                                const config::Config& file,
                                                const BackfillRequest& request,
                                                const BackfillProgress& progress) {
    TRY_ASSIGN(auto opened, open_history(file, request, progress));
    const auto& system = opened.resolved.system;
    derive::Derived derived;
    if (!box) {
        auto first =
            outbox::HistoryLoad::create(path, system, k_backfill_environment, progress.update);
        std::optional<outbox::EnqueueResult> result;
        if (first) {
            TRY_ASSIGN(result, load(*first, opened, request, progress, derived));
            first.reset();
        }
        box.emplace(model::value_or_throw(outbox::Outbox::open(path)));
        if (result) {
            return QueuedRepository{finished(request, opened, std::move(derived)),
                                    std::move(*result)};
        }
    }
    // Another process made the outbox meanwhile, or there was one: queue into it.
    outbox::HistoryLoad into(*box, system, k_backfill_environment, progress.update);
    TRY_ASSIGN(auto result, load(into, opened, request, progress, derived));
    return QueuedRepository{finished(request, opened, std::move(derived)), std::move(*result)};
}

} // namespace pipeline
