#pragma once

#include <cstdint>
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

// Return SQLite's rollback journal of the outbox: `<outbox>-journal`.
std::filesystem::path journal_path(const std::filesystem::path& outbox);

// Return the lock a process holds while it creates the outbox file:
// `<outbox>.create.lock`.
std::filesystem::path create_lock_path(const std::filesystem::path& outbox);

// Return the mkstemp(3) template of a first load's temporary outbox:
// `<outbox>.new-XXXXXX`.
std::filesystem::path temporary_template(const std::filesystem::path& outbox);

// Return whether the name of `file` is that of a first load's temporary of
// `outbox` (`<outbox>.new-*`), the temporary's WAL and journals excluded.
bool is_temporary(const std::filesystem::path& outbox, const std::filesystem::path& file);

// Return where a WAL, index or journal whose outbox is gone is moved aside:
// `<file>.orphan-<time>`, then `-<attempt>` when that name is taken.
std::filesystem::path orphan_path(const std::filesystem::path& file, std::int64_t time,
                                  int attempt);

// Return where a damaged file is moved aside: `<file>.corrupt-<UTC time>`,
// the time as 20240131T235959Z.
std::filesystem::path corrupt_path(const std::filesystem::path& file, std::int64_t time);

// Return the WAL or index of an outbox moved to `moved`, named so that
// SQLite opening `moved` finds them: `<moved>-wal`, `<moved>-shm`.
std::filesystem::path moved_companion(const std::filesystem::path& moved,
                                      const std::filesystem::path& companion,
                                      const std::filesystem::path& outbox);

} // namespace outbox
