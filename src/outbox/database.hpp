#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace outbox {

// Return the version of the SQLite library this process runs ("3.40.1").
std::string sqlite_version();

// A prepared statement; reset on destruction so it can be reused.
class Statement {
public:
    Statement(sqlite3* db, std::string_view sql);

    // Bind a value to a 1-based parameter; returns *this for chaining.
    Statement& bind(int index, std::int64_t value);
    Statement& bind(int index, std::string_view value);
    Statement& bind(int index, std::nullopt_t);
    // Bind a column of another statement's current row, whatever its type.
    Statement& bind_column_of(int index, const Statement& row, int column);
    // Bind text without copying it: it must stay unchanged until reset().
    Statement& bind_view(int index, std::string_view value);

    // Step once; true while a row is available.
    bool step();
    // Step a statement that returns no rows.
    void run();
    // Reset and clear bindings for another execution.
    void reset();

    // Read a column of the current row.
    std::int64_t integer(int column) const;
    std::string text(int column) const;
    bool is_null(int column) const;
    // Return how many columns a row of this statement has.
    int columns() const;

private:
    struct Finalizer {
        void operator()(sqlite3_stmt* stmt) const;
    };
    sqlite3* m_db;
    std::unique_ptr<sqlite3_stmt, Finalizer> m_stmt;
};

// An open SQLite database; every failure throws model::Failure with context.
class Database {
public:
    // Open (creating when missing) a database file.
    explicit Database(const std::filesystem::path& path);
    // Open an existing database file for reading only; `immutable` reads it
    // without locks or a WAL index, for a folder where neither can be made.
    static Database open_read_only(const std::filesystem::path& path, bool immutable);

    // Run one or more statements that return no rows.
    void exec(std::string_view sql);
    // Run statements like exec(), but return false instead of throwing when
    // they break a UNIQUE constraint.
    bool exec_if_unique(std::string_view sql);
    // Run statements like exec(), retrying for up to `patience` while the
    // database is busy: for the few (switching to WAL) that SQLite never lets
    // wait on the busy timeout.
    void exec_patiently(std::string_view sql, std::chrono::milliseconds patience);
    // Wait for another writer by retrying every millisecond, for at most
    // `patience`, instead of SQLite's busy timeout, which backs off to sleeps
    // of 10-100 ms and so may sleep well past the moment the lock is free:
    // for a hook, whose every millisecond delays a push.
    void wait_busy_briefly(std::chrono::milliseconds patience);
    // Leave the WAL as it is when the last connection closes, instead of
    // checkpointing it into the database (two fsyncs) and deleting it.
    void keep_wal_on_close();
    // Prepare a statement.
    Statement prepare(std::string_view sql);
    // Return rows changed by the last statement.
    int changes() const;
    // Return SQLite's extended result code of the last failure.
    int error_code() const;
    // Return SQLite's message about the last failure.
    std::string error_message() const;
    // Return whether the last failure says the file is not a sound database.
    bool damaged() const;
    sqlite3* handle() const { return m_db.get(); }

private:
    struct Closer {
        void operator()(sqlite3* db) const;
    };
    Database() = default;
    std::unique_ptr<sqlite3, Closer> m_db;
};

// A transaction that rolls back unless committed.
class Transaction {
public:
    // Begin IMMEDIATE, so writers queue on the busy timeout instead of failing later.
    explicit Transaction(Database& db);
    ~Transaction();
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;

    // Commit the transaction.
    void commit();

private:
    Database& m_db;
    bool m_done = false;
};

} // namespace outbox
