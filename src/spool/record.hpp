#pragma once

#include "model/error.hpp"
#include "model/time.hpp"

#include <functional>
#include <string>
#include <string_view>
#include <vector>

// The bytes of one spooled push: what a hook hands over to whoever owns the
// outbox. Records come from other users' processes, so reading one checks
// everything and trusts nothing.
namespace spool {

// A change a pre-push hook derived but could not queue (the outbox was busy).
struct SpooledChange {
    std::string id;
    model::UnixSeconds time = 0;
};

// A push as a hook saw it, before anything was derived from it; or, from
// pre-push, the changes it derived, with their system and environment.
struct PushRecord {
    // The repository, absolute.
    std::string git_dir;
    // The hook's input lines for branches and tags, "<old> <new> <ref>\n" each.
    std::string updates;
    // When the push landed, as the hook's clock said.
    model::UnixSeconds pushed_at = 0;
    // Who pushed, when the server said; for logs only.
    std::string pusher;
    // Pre-push only: the changes derived, to be queued as they are.
    std::vector<SpooledChange> changes;
    std::string system;
    std::string environment;
};

// The largest record read back: a push of a hundred thousand refs fits.
inline constexpr std::size_t k_max_record_bytes = 64 * 1024 * 1024;

// Where a record's bytes go, a piece at a time.
using Put = std::function<void(std::string_view)>;

// Give the record's bytes to `put` in pieces of about a megabyte, with
// `updates` in place of record.updates: a push of half a million refs is
// written without a second copy of its 50 MB.
void encode(const PushRecord& record, std::string_view updates, const Put& put);

// Return the record's bytes: one JSON object with a format version.
std::string encode(const PushRecord& record);

// Return whether the record, with `updates` in place of record.updates, is
// small enough for decode() (k_max_record_bytes). Its bytes are counted,
// without being kept, only when a bound (6 bytes for each byte of its text)
// says it may not be.
bool fits(const PushRecord& record, std::string_view updates);

// Parse a record's bytes; the error says what is wrong with them.
model::Expected<PushRecord> decode(std::string_view bytes);

} // namespace spool
