#pragma once

#include "derive/derive.hpp"
#include "git/repository.hpp"
#include "model/error.hpp"
#include "outbox/outbox.hpp"
#include "pipeline/repository_settings.hpp"

#include <cstddef>
#include <filesystem>
#include <functional>
#include <future>
#include <optional>
#include <string>

// A backfill: a repository's whole history turned into events and queued.
namespace pipeline {

// What a backfill tells its caller while it works.
struct BackfillProgress {
    // A new phase starts ("reading history"), with a total when one is known.
    std::function<void(const std::string& label, std::optional<std::size_t> total)> phase;
    // The phase is this far.
    std::function<void(std::size_t done)> update;
};

// One repository's history, derived, ready to print or queue.
struct BackfilledRepository {
    std::string path;
    std::string system;
    derive::Derived derived;
    // The repository and the history walked, to be dropped on another thread.
    std::optional<git::Repository> repo;
};

// What to backfill and how.
struct BackfillRequest {
    std::string path;
    RepositoryOverrides overrides;
    derive::BackfillOptions options;
};

// Derive every event of a repository's history under its settings (the
// request's overrides, the config file, its git config, the defaults),
// handing them to `sink` in chunks as they are derived (Derived::events
// stays empty).
model::Expected<BackfilledRepository> derive_history(const config::Config& file,
                                                     const BackfillRequest& request,
                                                     const BackfillProgress& progress,
                                                     derive::EventSink& sink);

// Derive as above, holding every event in Derived::events (for `report`).
model::Expected<BackfilledRepository> derive_history(const config::Config& file,
                                                     const BackfillRequest& request,
                                                     const BackfillProgress& progress);

// Drop a backfill's repository and walked history on a second thread, while
// the caller prints or queues the events: on 100k commits, 25 ms off the wall time.
std::future<void> drop_history(BackfilledRepository& backfilled);

// A repository's backfill queued, and what queueing did.
struct QueuedRepository {
    BackfilledRepository run;
    outbox::EnqueueResult result;
};

// Derive a repository's history as derive_history does and queue the events
// into the outbox at `path` as they are derived, in one transaction: when
// there is no outbox yet, it is created holding them, written once and
// synced once. `box` is opened on the way and kept for the next repository.
model::Expected<QueuedRepository> queue_history(const std::filesystem::path& path,
                                                std::optional<outbox::Outbox>& box,
                                                const config::Config& file,
                                                const BackfillRequest& request,
                                                const BackfillProgress& progress);

} // namespace pipeline
