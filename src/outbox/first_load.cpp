#include "outbox/first_load.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

namespace outbox {

namespace {

[[noreturn]] void fail(const std::string& what, const std::filesystem::path& path) {
    throw model::Failure(what + " '" + path.string() + "': " + std::strerror(errno));
}

// A file removed when it goes out of scope, unless kept.
class TemporaryFile {
public:
    explicit TemporaryFile(std::filesystem::path path) : m_path(std::move(path)) {}
    ~TemporaryFile() {
        if (!m_path.empty()) {
            ::unlink(m_path.c_str());
        }
    }
    TemporaryFile(const TemporaryFile&) = delete;
    TemporaryFile& operator=(const TemporaryFile&) = delete;

    const std::filesystem::path& path() const { return m_path; }

private:
    std::filesystem::path m_path;
};

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

// Create the folder (0700) and an empty, owner-only file that no one else has.
std::filesystem::path create_temporary(const std::filesystem::path& path) {
    const auto folder = path.parent_path();
    std::error_code ec;
    if (!folder.empty() && !std::filesystem::exists(folder, ec)) {
        std::filesystem::create_directories(folder, ec);
        ::chmod(folder.c_str(), 0700);
    }
    const std::filesystem::path temporary = path.string() + ".new-" + std::to_string(::getpid());
    const int fd = ::open(temporary.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        fail("creating outbox", temporary);
    }
    ::close(fd);
    return temporary;
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
    TemporaryFile temporary(create_temporary(path));
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
    // link() never replaces: an outbox another process made meanwhile wins.
    if (::link(temporary.path().c_str(), path.c_str()) != 0) {
        if (errno == EEXIST) {
            return std::nullopt;
        }
        fail("creating outbox", path);
    }
    sync_path(path.parent_path().empty() ? "." : path.parent_path(), O_RDONLY | O_DIRECTORY);
    return result;
}

} // namespace outbox
