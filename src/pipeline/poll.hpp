#pragma once

#include "derive/derive.hpp"
#include "git/repository.hpp"
#include "model/error.hpp"
#include "model/refs.hpp"
#include "outbox/outbox.hpp"
#include "pipeline/repository_settings.hpp"

#include <functional>
#include <string>
#include <vector>

// One poll of a watched repository: what changed since the stored snapshot,
// derived and committed together with the new snapshot.
namespace pipeline {

// Return a repository's settings, resolved by the caller (who may keep them).
using SettingsSource = std::function<model::Expected<RepositorySettings>()>;

// A repository's branches and tags as a poll found them.
struct Poll {
    std::string path;
    // The snapshot stored by the last poll; null on first sight.
    const model::RefSnapshot* before = nullptr;
    const model::RefSnapshot* after = nullptr;
    // On first sight, queue the repository's whole history (else only
    // record the baseline).
    bool backfill_on_first_sight = false;
    // When new changes were first seen.
    model::UnixSeconds now = 0;
};

// What a poll queued, for the daemon's log.
struct PollRecord {
    // The ref updates since the stored snapshot; empty on first sight.
    std::vector<derive::RefUpdate> updates;
    derive::Derived derived;
    outbox::EnqueueResult result;
    // The system the events went to; empty when nothing was committed.
    std::string system;
};

// Derive the events of what changed between the snapshots (on first sight,
// the history when asked) and commit them with the new snapshot in one
// transaction. Nothing is committed when a known repository did not change;
// settings are resolved only when something did.
model::Expected<PollRecord> record_poll(outbox::Outbox& box, git::Repository& repo,
                                        const Poll& poll, const SettingsSource& settings);

} // namespace pipeline
