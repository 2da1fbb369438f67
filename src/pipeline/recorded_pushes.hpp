#pragma once

#include "config/settings.hpp"
#include "outbox/outbox.hpp"

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

// The second half of the post-receive hook: the events of the pushes it
// recorded, derived in a process of their own so that the push never waits
// for libgit2.
namespace pipeline {

// What one round of derivation did.
struct DerivationReport {
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

// How many times a push that cannot be derived is tried before it is parked
// as failed (`pulse-agent outbox` lists it).
inline constexpr std::int64_t k_derivation_attempts = 3;

// Derive the events of every push the hook recorded, oldest first, each as
// the refs stood when it landed (later pushes to its repository are undone),
// and queue them with the push marked derived in one transaction. Only one
// process derives at a time; wait at most `lock_wait` for another one. What
// it did is appended to the hook log, whichever process derives.
DerivationReport derive_recorded_pushes(const config::Settings& settings, outbox::Outbox& box,
                                        std::chrono::milliseconds lock_wait);

} // namespace pipeline
