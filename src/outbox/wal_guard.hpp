#pragma once

#include "model/error.hpp"

#include <cstddef>
#include <filesystem>
#include <span>

// A WAL whose header is not one SQLite wrote: SQLite takes it for an empty
// log (its frames count only under a header whose magic, version, page size
// and checksum are right) and overwrites it at the next write, so whatever
// queued events it held vanish without a word. Such a file is moved aside
// instead, with a warning, where someone can look at it.
namespace outbox {

// Return whether `header` (a WAL's first bytes) could have been written by
// SQLite: empty, or 32 bytes with the right magic, version, page size and
// checksum.
bool is_valid_wal_header(std::span<const unsigned char> header);

// Return the problem with the outbox's WAL, or "" when it is sound or absent.
std::string wal_problem(const std::filesystem::path& outbox);

// Move the outbox's WAL aside, with a warning on stderr, when its header is
// not valid and no other process has the outbox open (none holds SQLite's
// lock on its index); call only while this process has it closed.
model::Expected<void> set_aside_invalid_wal(const std::filesystem::path& outbox);

} // namespace outbox
