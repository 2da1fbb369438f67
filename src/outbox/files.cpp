#include "outbox/files.hpp"

#include <string>
#include <string_view>

namespace outbox {

namespace {

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

} // namespace outbox
