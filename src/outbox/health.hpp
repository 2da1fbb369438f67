#pragma once

#include "model/error.hpp"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

// Whether an outbox file is sound, and getting its events out when it is not.
namespace outbox {

// What a check found.
struct Checkup {
    // The schema version stored in the file (PRAGMA user_version), when readable.
    std::optional<std::int64_t> schema_version;
    // Every problem, one line each; empty when the outbox is sound.
    std::vector<std::string> problems;
};

// Check an outbox without changing it: SQLite's integrity check, its WAL's
// header, and the schema (every table, column and index this version uses,
// and a version it knows).
Checkup check(const std::filesystem::path& path);

// What a recovery did.
struct Salvage {
    // Where the damaged file went (its WAL and index beside it).
    std::filesystem::path moved_to;
    // Rows copied into the new outbox.
    std::int64_t salvaged = 0;
    // Rows that could not be read (nullopt: the file is unreadable as a
    // whole, so how many it held is unknown).
    std::optional<std::int64_t> lost = 0;
};

// Move a damaged outbox aside (`<outbox>.corrupt-<UTC time>`, with its WAL and
// index) and copy every row that can still be read, row by row, into a new
// outbox at `path`. Other processes should not use the outbox meanwhile.
model::Expected<Salvage> recover(const std::filesystem::path& path);

} // namespace outbox
