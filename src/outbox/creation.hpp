#pragma once

#include "model/error.hpp"

#include <filesystem>
#include <functional>

// Making an outbox file appear among what earlier ones left: the WAL, index
// and journal of an outbox someone removed, which SQLite would replay over
// the new file, and the temporaries of first loads whose process died.
namespace outbox {

// Make the outbox file at `path` appear with `place`, unless it exists, under
// the create lock (see files.hpp): first the WAL, index and journal a removed
// outbox left there are moved to `<name>.orphan-<time>`, with a warning on
// stderr. A file exists in the outbox's place only after this, so no process
// ever takes the WAL of a live outbox for an orphan. `place` returns false
// when the file appeared anyway (made by a process that takes no lock).
// Returns whether `place` made the file.
model::Expected<bool> create_once(const std::filesystem::path& path,
                                  const std::function<model::Expected<bool>()>& place);

// Make sure the outbox file exists, owner-only in a private folder (an empty
// file made with create_once when it is missing), and remove the temporaries
// of dead first loads beside it.
model::Expected<void> prepare_outbox_file(const std::filesystem::path& path);

// Remove the temporaries of first loads beside `outbox` (with their WAL and
// journals) whose process is gone: a live one is locked by its builder.
void remove_dead_temporaries(const std::filesystem::path& outbox);

// A first load's temporary outbox file beside the outbox: owner-only, named
// uniquely even when a pid comes back (PID 1 in a container), locked as long
// as this object lives, and removed with it.
class TemporaryFile {
public:
    // Create one for the outbox at `outbox`, making its folder (0700).
    static model::Expected<TemporaryFile> create(const std::filesystem::path& outbox);
    TemporaryFile(TemporaryFile&& other) noexcept;
    TemporaryFile& operator=(TemporaryFile&&) = delete;
    ~TemporaryFile();

    // Return the file's path.
    const std::filesystem::path& path() const { return m_path; }

private:
    TemporaryFile(std::filesystem::path path, int fd) : m_path(std::move(path)), m_fd(fd) {}
    std::filesystem::path m_path;
    // Holds the flock that tells other processes the file is in use.
    int m_fd = -1;
};

} // namespace outbox
