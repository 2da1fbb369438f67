#pragma once

#include <filesystem>

// The files that live beside an outbox, all named from its path here, so that
// every process (hooks, the daemon, the commands) finds the same ones.
namespace outbox {

// Return the lock a process holds while it delivers: `<outbox>.deliver.lock`.
std::filesystem::path delivery_lock_path(const std::filesystem::path& outbox);

// Return the lock a process holds while it derives recorded pushes:
// `<outbox>.derive.lock`.
std::filesystem::path derive_lock_path(const std::filesystem::path& outbox);

// Return the lock `pulse-agent watch` holds for its whole life, with its pid
// inside: `<outbox>.watch.lock`.
std::filesystem::path state_lock_path(const std::filesystem::path& outbox);

// Return the log derivation appends to: `<outbox>.hook.log`.
std::filesystem::path hook_log_path(const std::filesystem::path& outbox);

// Return SQLite's write-ahead log of the outbox: `<outbox>-wal`.
std::filesystem::path wal_path(const std::filesystem::path& outbox);

// Return SQLite's shared-memory index of the outbox: `<outbox>-shm`.
std::filesystem::path shm_path(const std::filesystem::path& outbox);

} // namespace outbox
