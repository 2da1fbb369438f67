#pragma once

#include "config/settings.hpp"
#include "derive/derive.hpp"
#include "git/repository.hpp"
#include "model/error.hpp"
#include "model/event.hpp"
#include "outbox/outbox.hpp"
#include "pipeline/repository_settings.hpp"

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

// Puts what a hook derived into the outbox and gets it on its way.
namespace pipeline {

// How long a hook waits for another writer of the outbox, retrying every
// millisecond: long enough for concurrent pushes to take turns, short enough
// not to hold a push hostage.
inline constexpr std::chrono::milliseconds k_outbox_patience{300};

// The Environment header of events the post-receive hook records.
inline constexpr const char* k_hook_environment = "git-hook";

// The Environment header of events the pre-push hook records.
inline constexpr const char* k_pre_push_environment = "git-pre-push";

// What a hook queued, for its summary line.
struct Recorded {
    std::size_t changes = 0;
    std::size_t deployments = 0;
    // Events whose key was queued before (by another hook, the daemon, a backfill).
    std::size_t duplicates = 0;
    // Why the background delivery could not start, when it could not.
    std::string delivery_problem;
    std::size_t incidents = 0;
    // The outbox was busy: the changes wait in the spool for `hook deliver`.
    bool spooled = false;
};

// Return what an enqueue of `wrapped` newly queued, by type.
Recorded count_recorded(const std::vector<model::Envelope>& wrapped,
                        const outbox::EnqueueResult& result);

// Queue events under `system` and `environment` (their Environment header) in
// one durable transaction.
model::Expected<Recorded> record(const config::Settings& settings, const std::string& system,
                                 const std::string& environment, std::vector<model::Event> events);

// What a hook run recorded, and what it noticed (a moved release tag).
struct HookOutcome {
    Recorded recorded;
    std::vector<std::string> notes;
};

// Derive a push's events from the repository under its settings.
using DerivePush = std::function<model::Expected<derive::Derived>(
    git::Repository& repo, const pipeline::RepositorySettings& settings)>;

// Open the repository at `git_dir`, resolve its settings, derive the push's
// events with `derive_push` and record them under `environment`.
model::Expected<HookOutcome> record_push(const config::Settings& settings,
                                         const std::filesystem::path& git_dir,
                                         const std::string& environment,
                                         const DerivePush& derive_push);

// Return the one line a hook prints on success, or nothing when there is
// nothing worth a line.
std::optional<std::string> summary_line(const Recorded& recorded,
                                        const std::vector<std::string>& notes,
                                        const std::string& pusher);

} // namespace pipeline
