#pragma once

#include "model/error.hpp"
#include "spool/record.hpp"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <sys/types.h>
#include <vector>

// The spool: a folder where hooks drop one file per push, durably and
// without touching the outbox, and whoever owns the outbox takes them.
// On a server the folder is the service's, writable by a group of hook users
// (mode 3770: setgid, so records get the group; sticky, so nobody but the
// owner removes another's record); in the single-user layout it sits beside
// the outbox. Nothing here knows SQLite or events.
namespace spool {

// A record waiting in the folder.
struct Entry {
    // The file's name in the folder.
    std::string name;
    // The user who wrote it, as the kernel says (not as the record says).
    uid_t writer = 0;
    // When it landed: the file's status-change time, which its writer
    // cannot set back.
    std::int64_t landed = 0;
};

// What writes a record's bytes, a piece at a time, to the Put it is given.
using Writer = std::function<void(const Put&)>;

// One spool folder.
class Spool {
public:
    // Use the folder at `folder` (nothing is touched until a call).
    explicit Spool(std::filesystem::path folder);

    // Write `bytes` as a new record, fsynced with its folder entry before
    // returning; return the record's name. Creates nothing but the record.
    model::Expected<std::string> drop(std::string_view bytes) const;
    // The same, with the bytes given by `write`, a piece at a time, to the
    // function it is handed: a huge record is never held whole.
    model::Expected<std::string> drop(const Writer& write) const;
    // Return the records waiting, in the order they landed.
    model::Expected<std::vector<Entry>> pending() const;
    // Return a record's bytes (at most `limit`), never through a symlink.
    model::Expected<std::string> read(const Entry& entry, std::size_t limit) const;
    // Remove a record the outbox now holds.
    model::Expected<void> remove(const Entry& entry) const;
    // Set a record that cannot be read aside as `<name>.bad`, kept for a look.
    model::Expected<void> set_aside(const Entry& entry) const;
    // Remove the temporaries of writers that died mid-record, older than `age`.
    void sweep(std::chrono::seconds age) const;
    // Return the folder.
    const std::filesystem::path& folder() const { return m_folder; }

private:
    std::filesystem::path m_folder;
};

// Create the folder (and its parents) mode 0700 when it is missing: the
// single-user layout's spool beside the outbox.
model::Expected<void> create_private_folder(const std::filesystem::path& folder);

} // namespace spool
