#include "outbox/database.hpp"

#include "model/error.hpp"

#include <cstdint>
#include <sqlite3.h>
#include <thread>

namespace outbox {

std::string sqlite_version() {
    return sqlite3_libversion();
}

namespace {

bool is_damage(int rc) {
    return (rc & 0xff) == SQLITE_CORRUPT || (rc & 0xff) == SQLITE_NOTADB;
}

// Name the file and the commands that help when SQLite finds it damaged: a
// bare "database disk image is malformed" says neither.
std::string damage_hint(sqlite3* db, int rc) {
    if (!is_damage(rc)) {
        return "";
    }
    const char* file = sqlite3_db_filename(db, "main");
    return std::string(" (outbox '") + (file ? file : "") +
           "' is damaged; run `pulse-agent outbox check` for details and `pulse-agent outbox "
           "recover` to salvage its events)";
}

[[noreturn]] void throw_sqlite(sqlite3* db, std::string_view context) {
    throw model::Failure("outbox: " + std::string(context) + ": " + sqlite3_errmsg(db) +
                         damage_hint(db, sqlite3_extended_errcode(db)));
}

// Return `path` as a file: URI, escaping what a URI gives a meaning to.
std::string file_uri(const std::filesystem::path& path, bool immutable) {
    std::string uri = "file:";
    for (const char c : std::filesystem::absolute(path).string()) {
        if (c == '%' || c == '?' || c == '#') {
            constexpr const char* k_hex = "0123456789ABCDEF";
            uri += '%';
            uri += k_hex[(c >> 4) & 0xf];
            uri += k_hex[c & 0xf];
        } else {
            uri += c;
        }
    }
    return uri + (immutable ? "?mode=ro&immutable=1" : "?mode=ro");
}

// Run statements; return SQLite's (extended) result code and, on failure,
// its message in `error`.
int exec_sql(sqlite3* db, std::string_view sql, std::string& error) {
    char* message = nullptr;
    const int rc = sqlite3_exec(db, std::string(sql).c_str(), nullptr, nullptr, &message);
    if (rc != SQLITE_OK) {
        error = (message ? message : sqlite3_errmsg(db)) + damage_hint(db, rc);
    }
    sqlite3_free(message);
    return rc;
}

} // namespace

void Statement::Finalizer::operator()(sqlite3_stmt* stmt) const {
    sqlite3_finalize(stmt);
}

Statement::Statement(sqlite3* db, std::string_view sql) : m_db(db) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr) !=
        SQLITE_OK) {
        throw_sqlite(db, "preparing statement");
    }
    m_stmt.reset(stmt);
}

Statement& Statement::bind(int index, std::int64_t value) {
    if (sqlite3_bind_int64(m_stmt.get(), index, value) != SQLITE_OK) {
        throw_sqlite(m_db, "binding value");
    }
    return *this;
}

Statement& Statement::bind(int index, std::string_view value) {
    if (sqlite3_bind_text(m_stmt.get(), index, value.data(), static_cast<int>(value.size()),
                          SQLITE_TRANSIENT) != SQLITE_OK) {
        throw_sqlite(m_db, "binding value");
    }
    return *this;
}

Statement& Statement::bind_view(int index, std::string_view value) {
    if (sqlite3_bind_text(m_stmt.get(), index, value.data(), static_cast<int>(value.size()),
                          SQLITE_STATIC) != SQLITE_OK) {
        throw_sqlite(m_db, "binding value");
    }
    return *this;
}

Statement& Statement::bind_column_of(int index, const Statement& row, int column) {
    if (sqlite3_bind_value(m_stmt.get(), index, sqlite3_column_value(row.m_stmt.get(), column)) !=
        SQLITE_OK) {
        throw_sqlite(m_db, "binding value");
    }
    return *this;
}

int Statement::columns() const {
    return sqlite3_column_count(m_stmt.get());
}

Statement& Statement::bind(int index, std::nullopt_t) {
    if (sqlite3_bind_null(m_stmt.get(), index) != SQLITE_OK) {
        throw_sqlite(m_db, "binding value");
    }
    return *this;
}

bool Statement::step() {
    const int rc = sqlite3_step(m_stmt.get());
    if (rc == SQLITE_ROW) {
        return true;
    }
    if (rc != SQLITE_DONE) {
        throw_sqlite(m_db, "running statement");
    }
    return false;
}

void Statement::run() {
    while (step()) {
    }
    reset();
}

void Statement::reset() {
    sqlite3_reset(m_stmt.get());
    sqlite3_clear_bindings(m_stmt.get());
}

std::int64_t Statement::integer(int column) const {
    return sqlite3_column_int64(m_stmt.get(), column);
}

std::string Statement::text(int column) const {
    const auto* text = sqlite3_column_text(m_stmt.get(), column);
    return text ? std::string(reinterpret_cast<const char*>(text),
                              static_cast<std::size_t>(sqlite3_column_bytes(m_stmt.get(), column)))
                : std::string();
}

bool Statement::is_null(int column) const {
    return sqlite3_column_type(m_stmt.get(), column) == SQLITE_NULL;
}

void Database::Closer::operator()(sqlite3* db) const {
    sqlite3_close_v2(db);
}

Database::Database(const std::filesystem::path& path) {
    sqlite3* db = nullptr;
    const int rc =
        sqlite3_open_v2(path.c_str(), &db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
    m_db.reset(db);
    if (rc != SQLITE_OK) {
        const std::string message = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
        throw model::Failure("opening outbox '" + path.string() + "': " + message);
    }
    sqlite3_extended_result_codes(db, 1);
}

Database Database::open_read_only(const std::filesystem::path& path, bool immutable) {
    Database opened;
    sqlite3* db = nullptr;
    const int rc =
        sqlite3_open_v2(file_uri(path, immutable).c_str(), &db,
                        SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX, nullptr);
    opened.m_db.reset(db);
    if (rc != SQLITE_OK) {
        const std::string message = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
        throw model::Failure("opening outbox '" + path.string() + "': " + message);
    }
    sqlite3_extended_result_codes(db, 1);
    return opened;
}

void Database::exec(std::string_view sql) {
    std::string error;
    if (exec_sql(m_db.get(), sql, error) != SQLITE_OK) {
        throw model::Failure("outbox: " + error);
    }
}

bool Database::exec_if_unique(std::string_view sql) {
    std::string error;
    const int rc = exec_sql(m_db.get(), sql, error);
    if (rc == SQLITE_CONSTRAINT_UNIQUE) {
        return false;
    }
    if (rc != SQLITE_OK) {
        throw model::Failure("outbox: " + error);
    }
    return true;
}

void Database::exec_patiently(std::string_view sql, std::chrono::milliseconds patience) {
    const auto deadline = std::chrono::steady_clock::now() + patience;
    const std::string text(sql);
    int rc = sqlite3_exec(m_db.get(), text.c_str(), nullptr, nullptr, nullptr);
    while ((rc & 0xff) == SQLITE_BUSY && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
        rc = sqlite3_exec(m_db.get(), text.c_str(), nullptr, nullptr, nullptr);
    }
    if (rc != SQLITE_OK) {
        throw_sqlite(m_db.get(), text);
    }
}

void Database::wait_busy_briefly(std::chrono::milliseconds patience) {
    // The number of retries travels in the handler's pointer argument, so
    // the handler refers to nothing that a move of this object could leave.
    const auto retry = [](void* limit, int attempts) -> int {
        if (attempts >= static_cast<int>(reinterpret_cast<std::intptr_t>(limit))) {
            return 0;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
        return 1;
    };
    void* limit = reinterpret_cast<void*>(static_cast<std::intptr_t>(patience.count()));
    if (sqlite3_busy_handler(m_db.get(), retry, limit) != SQLITE_OK) {
        throw_sqlite(m_db.get(), "setting the busy handler");
    }
}

void Database::keep_wal_on_close() {
    if (sqlite3_db_config(m_db.get(), SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr) != SQLITE_OK) {
        throw_sqlite(m_db.get(), "keeping the WAL on close");
    }
}

Statement Database::prepare(std::string_view sql) {
    return Statement(m_db.get(), sql);
}

int Database::changes() const {
    return sqlite3_changes(m_db.get());
}

int Database::error_code() const {
    return sqlite3_extended_errcode(m_db.get());
}

std::string Database::error_message() const {
    return sqlite3_errmsg(m_db.get());
}

bool Database::damaged() const {
    return is_damage(error_code());
}

Transaction::Transaction(Database& db) : m_db(db) {
    m_db.exec("BEGIN IMMEDIATE");
}

Transaction::~Transaction() {
    if (!m_done) {
        try {
            m_db.exec("ROLLBACK");
        } catch (...) {
        }
    }
}

void Transaction::commit() {
    m_db.exec("COMMIT");
    m_done = true;
}

} // namespace outbox
