#include "outbox/health.hpp"

#include "model/time.hpp"
#include "outbox/database.hpp"
#include "outbox/files.hpp"
#include "outbox/outbox.hpp"
#include "outbox/schema.hpp"
#include "outbox/wal_guard.hpp"
#include "util/file_lock.hpp"

#include <cerrno>
#include <cstring>
#include <map>
#include <set>
#include <stdio.h>

namespace outbox {

using namespace schema;

namespace {

// The tables a salvage copies, and whether each has a rowid to read by.
constexpr std::pair<const char*, bool> k_tables[] = {
    {"events", true},      {"notes", true},       {"pushes", true},
    {"watch_repos", true}, {"watch_refs", false},
};

// How long a recovery waits for a process creating the outbox.
constexpr std::chrono::milliseconds k_lock_patience{30000};

std::set<std::string> columns_of(Database& db, const std::string& schema_name,
                                 const std::string& table) {
    auto stmt = db.prepare("SELECT name FROM pragma_table_info(?1, ?2)");
    stmt.bind(1, table).bind(2, schema_name);
    std::set<std::string> names;
    while (stmt.step()) {
        names.insert(stmt.text(0));
    }
    return names;
}

// Return every table's columns and every index of today's schema, built in memory.
std::map<std::string, std::set<std::string>> expected_schema() {
    Database db(":memory:");
    db.exec(k_events_table);
    db.exec(k_pushes_table);
    db.exec(k_pushes_spool_index);
    db.exec(k_watch_tables);
    db.exec(k_indexes);
    db.exec(k_unpruned_index);
    std::map<std::string, std::set<std::string>> schema;
    auto stmt = db.prepare("SELECT name, type FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'");
    while (stmt.step()) {
        const auto name = stmt.text(0);
        schema[name] =
            stmt.text(1) == "table" ? columns_of(db, "main", name) : std::set<std::string>{};
    }
    return schema;
}

void check_schema(Database& db, Checkup& checkup) {
    std::set<std::string> present;
    auto stmt = db.prepare("SELECT name FROM sqlite_master");
    while (stmt.step()) {
        present.insert(stmt.text(0));
    }
    for (const auto& [name, columns] : expected_schema()) {
        // Older outboxes keep their key as the table's constraint.
        if (!present.contains(name) &&
            !(name == "events_key" && present.contains(k_constraint_index))) {
            checkup.problems.push_back("missing table or index '" + name + "'");
            continue;
        }
        const auto found = columns.empty() ? columns : columns_of(db, "main", name);
        for (const auto& column : columns) {
            if (!found.contains(column)) {
                checkup.problems.push_back("table '" + name + "' has no column '" + column + "'");
            }
        }
    }
}

void check_version(Database& db, Checkup& checkup) {
    auto stmt = db.prepare("PRAGMA user_version");
    stmt.step();
    checkup.schema_version = stmt.integer(0);
    if (*checkup.schema_version > k_schema_version) {
        checkup.problems.push_back("schema version " + std::to_string(*checkup.schema_version) +
                                   " is newer than this pulse-agent knows (" +
                                   std::to_string(k_schema_version) + ")");
    }
}

void check_integrity(Database& db, Checkup& checkup) {
    auto stmt = db.prepare("PRAGMA integrity_check(100)");
    while (stmt.step()) {
        if (const auto line = stmt.text(0); line != "ok") {
            checkup.problems.push_back(line);
        }
    }
}

model::Expected<void> rename_to(const std::filesystem::path& from,
                                const std::filesystem::path& to) {
    std::error_code ec;
    if (!std::filesystem::exists(std::filesystem::symlink_status(from, ec))) {
        return {};
    }
    if (::rename(from.c_str(), to.c_str()) != 0) {
        return model::fail("moving '" + from.string() + "' to '" + to.string() +
                           "': " + std::strerror(errno));
    }
    return {};
}

// Move the outbox with its WAL and index, named so SQLite finds them again,
// under the create lock, so that no process makes a new outbox meanwhile.
model::Expected<std::filesystem::path> move_damaged(const std::filesystem::path& path) {
    const auto lock = util::FileLock::acquire(create_lock_path(path), k_lock_patience);
    if (!lock) {
        return model::fail("recovering outbox '" + path.string() + "': " + lock.error().message);
    }
    if (!std::filesystem::exists(path)) {
        return model::fail("no outbox at '" + path.string() + "'");
    }
    const auto moved = corrupt_path(path, model::now());
    std::error_code ec;
    if (std::filesystem::exists(moved, ec)) {
        return model::fail("'" + moved.string() + "' exists already; try again in a second");
    }
    TRY(rename_to(path, moved));
    TRY(rename_to(wal_path(path), wal_path(moved)));
    TRY(rename_to(shm_path(path), shm_path(moved)));
    TRY(rename_to(journal_path(path), journal_path(moved)));
    return moved;
}

std::string column_list(const std::set<std::string>& damaged, const std::set<std::string>& fresh) {
    std::string list;
    for (const auto& column : damaged) {
        if (fresh.contains(column)) {
            list += (list.empty() ? "\"" : ", \"") + column + "\"";
        }
    }
    return list;
}

// The two files of a salvage: the damaged one, read-only (nothing, not even
// a checkpoint, touches it), and the new outbox.
struct Salvaging {
    Database& damaged;
    Database& fresh;
    Salvage& salvage;
};

// Copy the current row of `select` into the new outbox with `insert`.
void copy_row(Salvaging& s, Statement& select, Statement& insert) {
    for (int column = 0; column < select.columns(); ++column) {
        insert.bind_column_of(column + 1, select, column);
    }
    insert.run();
    s.salvage.salvaged += s.fresh.changes();
}

std::string insert_sql(const std::string& table, const std::string& columns, int count) {
    std::string marks;
    for (int i = 0; i < count; ++i) {
        marks += i == 0 ? "?" : ", ?";
    }
    return "INSERT OR IGNORE INTO \"" + table + "\" (" + columns + ") VALUES (" + marks + ")";
}

// Copy a table row by row, by rowid, so that one unreadable page loses only
// the rows on it.
void salvage_by_rowid(Salvaging& s, const std::string& table, const std::string& columns) {
    auto last = s.damaged.prepare("SELECT MAX(rowid) FROM \"" + table + "\"");
    last.step();
    const auto max_rowid = last.integer(0);
    auto select =
        s.damaged.prepare("SELECT " + columns + " FROM \"" + table + "\" WHERE rowid = ?");
    auto insert = s.fresh.prepare(insert_sql(table, columns, select.columns()));
    for (std::int64_t rowid = 1; rowid <= max_rowid; ++rowid) {
        try {
            select.bind(1, rowid);
            if (select.step()) {
                copy_row(s, select, insert);
            }
            select.reset();
        } catch (const model::Failure&) {
            select.reset();
            insert.reset();
            s.salvage.lost = s.salvage.lost.value_or(0) + 1;
        }
    }
}

// Copy a table without rowids in one pass: up to the first unreadable row.
void salvage_in_order(Salvaging& s, const std::string& table, const std::string& columns) {
    auto select = s.damaged.prepare("SELECT " + columns + " FROM \"" + table + "\"");
    auto insert = s.fresh.prepare(insert_sql(table, columns, select.columns()));
    while (select.step()) {
        copy_row(s, select, insert);
    }
}

void salvage_table(Salvaging& s, const std::string& table, bool has_rowid) {
    try {
        const auto columns =
            column_list(columns_of(s.damaged, "main", table), columns_of(s.fresh, "main", table));
        if (columns.empty()) {
            return;
        }
        has_rowid ? salvage_by_rowid(s, table, columns) : salvage_in_order(s, table, columns);
    } catch (const model::Failure&) {
        s.salvage.lost = std::nullopt;
    }
}

} // namespace

Checkup check(const std::filesystem::path& path) {
    Checkup checkup;
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) {
        checkup.problems.push_back("no outbox at '" + path.string() + "'");
        return checkup;
    }
    if (const auto problem = wal_problem(path); !problem.empty()) {
        checkup.problems.push_back(problem);
    }
    try {
        auto db = Database::open_read_only(path, false);
        check_integrity(db, checkup);
        check_version(db, checkup);
        check_schema(db, checkup);
    } catch (const model::Failure& e) {
        checkup.problems.push_back(e.what());
    }
    return checkup;
}

model::Expected<Salvage> recover(const std::filesystem::path& path) {
    TRY_ASSIGN(const auto moved, move_damaged(path));
    // The new outbox, made the usual way, then filled over a plain connection.
    TRY(Outbox::open(path));
    Salvage salvage;
    salvage.moved_to = moved;
    std::optional<Database> damaged;
    try {
        damaged.emplace(Database::open_read_only(moved, false));
        damaged->prepare("SELECT COUNT(*) FROM sqlite_master").step();
    } catch (const model::Failure&) {
        // Not a database at all: nothing to salvage, and no telling what it held.
        salvage.lost = std::nullopt;
        return salvage;
    }
    try {
        Database fresh(path);
        fresh.exec("PRAGMA busy_timeout = 30000");
        Transaction tx(fresh);
        Salvaging s{*damaged, fresh, salvage};
        for (const auto& [table, has_rowid] : k_tables) {
            salvage_table(s, table, has_rowid);
        }
        tx.commit();
    } catch (const model::Failure& e) {
        return model::fail("salvaging '" + moved.string() + "' into '" + path.string() +
                           "': " + e.what());
    }
    return salvage;
}

} // namespace outbox
