#include "outbox/files.hpp"

#include <ctime>
#include <string>
#include <string_view>

namespace outbox {

namespace {

constexpr const char* k_temporary_infix = ".new-";

std::filesystem::path beside(const std::filesystem::path& outbox, std::string_view suffix) {
    return outbox.string() + std::string(suffix);
}

} // namespace

std::filesystem::path delivery_lock_path(const std::filesystem::path& outbox) {
    return beside(outbox, ".deliver.lock");
}

std::filesystem::path derive_lock_path(const std::filesystem::path& outbox) {
    return beside(outbox, ".derive.lock");
}

std::filesystem::path state_lock_path(const std::filesystem::path& outbox) {
    return beside(outbox, ".watch.lock");
}

std::filesystem::path hook_log_path(const std::filesystem::path& outbox) {
    return beside(outbox, ".hook.log");
}

std::filesystem::path wal_path(const std::filesystem::path& outbox) {
    return beside(outbox, "-wal");
}

std::filesystem::path shm_path(const std::filesystem::path& outbox) {
    return beside(outbox, "-shm");
}

std::filesystem::path journal_path(const std::filesystem::path& outbox) {
    return beside(outbox, "-journal");
}

std::filesystem::path create_lock_path(const std::filesystem::path& outbox) {
    return beside(outbox, ".create.lock");
}

std::filesystem::path temporary_template(const std::filesystem::path& outbox) {
    return beside(outbox, std::string(k_temporary_infix) + "XXXXXX");
}

bool is_temporary(const std::filesystem::path& outbox, const std::filesystem::path& file) {
    const auto name = file.filename().string();
    const auto prefix = outbox.filename().string() + k_temporary_infix;
    // SQLite names a temporary's WAL and journals `<temporary>-wal` and so on;
    // mkstemp's suffixes, and the pids of earlier versions, have no dash.
    return name.size() > prefix.size() && name.starts_with(prefix) &&
           name.find('-', prefix.size()) == std::string::npos;
}

std::filesystem::path orphan_path(const std::filesystem::path& file, std::int64_t time,
                                  int attempt) {
    const auto suffix = attempt == 0 ? std::string() : "-" + std::to_string(attempt);
    return beside(file, ".orphan-" + std::to_string(time) + suffix);
}

std::filesystem::path corrupt_path(const std::filesystem::path& file, std::int64_t time) {
    const std::time_t seconds = time;
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    char text[32] = {};
    std::strftime(text, sizeof text, "%Y%m%dT%H%M%SZ", &utc);
    return beside(file, std::string(".corrupt-") + text);
}

std::filesystem::path moved_companion(const std::filesystem::path& moved,
                                      const std::filesystem::path& companion,
                                      const std::filesystem::path& outbox) {
    return beside(moved, companion.string().substr(outbox.string().size()));
}

} // namespace outbox
