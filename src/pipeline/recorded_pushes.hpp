#pragma once

#include "config/settings.hpp"
#include "outbox/outbox.hpp"
#include "outbox/push_queue.hpp"

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

// The second half of the post-receive hook: the events of the pushes it
// recorded, derived in a process of their own so that the push never waits
// for libgit2.
namespace pipeline {

// What one round of derivation did.
struct DerivationReport {
    // Pushes taken from the spool into the outbox.
    std::size_t taken = 0;
    // Pushes derived.
    std::size_t pushes = 0;
    std::size_t changes = 0;
    std::size_t deployments = 0;
    // Pushes that could not be derived this time (they are retried).
    std::size_t failed = 0;
    // One line per push that queued something or has a note (a moved
    // release tag), naming the repository and the pusher: for the log.
    std::vector<std::string> lines;
    // Why pushes could not be derived.
    std::vector<std::string> problems;
    // False when another process kept deriving for longer than the wait.
    bool ran = true;
};

// Return when a push that could not be derived at `now`, after `attempts`
// tries in all, is tried again: the delivery retry's doubling delays, with
// jitter; nothing once it is retry.max_age old (it is parked as failed,
// and `pulse-agent outbox` lists it).
std::optional<model::UnixSeconds> next_derivation_attempt(const model::RetryPolicy& policy,
                                                          const outbox::RecordedPush& push,
                                                          std::int64_t attempts,
                                                          model::UnixSeconds now);

// Take the pushes hooks dropped in the spool (spool_intake.hpp), then derive
// the events of every push recorded, oldest first, each as
// the refs stood when it landed (later pushes to its repository are undone),
// and queue them with the push marked derived in one transaction. Only one
// process derives at a time; wait at most `lock_wait` for another one. What
// it did is appended to the hook log, whichever process derives.
DerivationReport derive_recorded_pushes(const config::Settings& settings, outbox::Outbox& box,
                                        std::chrono::milliseconds lock_wait);

} // namespace pipeline
