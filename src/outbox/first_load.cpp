#include "outbox/first_load.hpp"

#include "outbox/creation.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <string>
#include <unistd.h>

namespace outbox {

namespace {

[[noreturn]] void fail(const std::string& what, const std::filesystem::path& path) {
    throw model::Failure(what + " '" + path.string() + "': " + std::strerror(errno));
}

void sync_path(const std::filesystem::path& path, int flags) {
    const int fd = ::open(path.c_str(), flags | O_CLOEXEC);
    if (fd < 0 || ::fsync(fd) != 0) {
        const int saved = errno;
        if (fd >= 0) {
            ::close(fd);
        }
        errno = saved;
        fail("syncing", path);
    }
    ::close(fd);
}

// Link the built file into place, which link() never replaces: false when
// an outbox is there already.
model::Expected<bool> link_into_place(const std::filesystem::path& built,
                                      const std::filesystem::path& path) {
    if (::link(built.c_str(), path.c_str()) == 0) {
        return true;
    }
    if (errno == EEXIST) {
        return false;
    }
    return model::fail("creating outbox '" + path.string() + "': " + std::strerror(errno));
}

} // namespace

std::optional<EnqueueResult> create_with_events(const std::filesystem::path& path,
                                                std::string_view system,
                                                std::string_view environment,
                                                std::span<const model::Event> events,
                                                const EnqueueProgress& progress) {
    std::error_code ec;
    if (std::filesystem::exists(path, ec) || ec) {
        return std::nullopt;
    }
    remove_dead_temporaries(path);
    const auto temporary = model::value_or_throw(TemporaryFile::create(path));
    EnqueueResult result;
    {
        auto box = Outbox::open_unpublished(temporary.path());
        box.m_db.exec("PRAGMA cache_size = -16384");
        Transaction tx(box.m_db);
        result = box.enqueue(system, environment, events, tx, progress);
        tx.commit();
        // Recorded in the file's header: every later open finds it in WAL.
        box.m_db.exec("PRAGMA journal_mode = WAL");
    }
    sync_path(temporary.path(), O_RDONLY);
    // An outbox another process made meanwhile wins.
    const auto linked = create_once(path, [&] { return link_into_place(temporary.path(), path); });
    if (!model::value_or_throw(linked)) {
        return std::nullopt;
    }
    sync_path(path.parent_path().empty() ? "." : path.parent_path(), O_RDONLY | O_DIRECTORY);
    return result;
}

} // namespace outbox
