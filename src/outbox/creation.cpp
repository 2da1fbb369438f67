#include "outbox/creation.hpp"

#include "model/time.hpp"
#include "outbox/files.hpp"
#include "util/file_lock.hpp"

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <iostream>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utility>

namespace outbox {

namespace {

// How long a process waits for another one that creates the outbox file: a
// moment, since that is an empty file or a link(), never a load.
constexpr std::chrono::milliseconds k_create_patience{30000};

// How many names `<file>.orphan-<time>-<n>` are tried before giving up.
constexpr int k_orphan_attempts = 100;

// How many temporaries are made before giving up, when other processes'
// sweeps remove each one between its creation and its lock.
constexpr int k_temporary_attempts = 8;

std::string describe_errno(const std::string& what, const std::filesystem::path& path) {
    return what + " '" + path.string() + "': " + std::strerror(errno);
}

// Make the outbox's folder and every missing one above it owner-only, whatever
// the umask: the state folder holds nothing for other users.
model::Expected<void> make_folder(const std::filesystem::path& path) {
    std::error_code ec;
    const auto folder = path.parent_path();
    if (folder.empty() || std::filesystem::exists(folder, ec)) {
        return {};
    }
    TRY(make_folder(folder));
    if (::mkdir(folder.c_str(), 0700) != 0 && errno != EEXIST) {
        return model::fail(describe_errno("creating outbox folder", folder));
    }
    ::chmod(folder.c_str(), 0700);
    return {};
}

// Rename without replacing what is at `to`: 0, or an errno (EEXIST when taken).
int rename_keeping(const std::filesystem::path& from, const std::filesystem::path& to) {
    if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) == 0) {
        return 0;
    }
    if (errno != EINVAL && errno != ENOSYS) {
        return errno;
    }
    // A file system without RENAME_NOREPLACE: link() never replaces either.
    if (::link(from.c_str(), to.c_str()) != 0) {
        return errno;
    }
    return ::unlink(from.c_str()) == 0 ? 0 : errno;
}

model::Expected<std::filesystem::path> move_aside(const std::filesystem::path& file,
                                                  std::int64_t now) {
    for (int attempt = 0; attempt < k_orphan_attempts; ++attempt) {
        const auto target = orphan_path(file, now, attempt);
        const int error = rename_keeping(file, target);
        if (error == 0) {
            return target;
        }
        if (error != EEXIST) {
            errno = error;
            return model::fail(describe_errno("moving aside", file));
        }
    }
    return model::fail("moving aside '" + file.string() + "': every orphan name is taken");
}

model::Expected<void> move_orphans(const std::filesystem::path& outbox) {
    const auto now = model::now();
    for (const auto& file : {wal_path(outbox), shm_path(outbox), journal_path(outbox)}) {
        std::error_code ec;
        if (!std::filesystem::exists(std::filesystem::symlink_status(file, ec))) {
            continue;
        }
        TRY_ASSIGN(const auto moved, move_aside(file, now));
        std::cerr << "pulse-agent: warning: '" << file.string() << "' was left without its outbox; "
                  << "moved it to '" << moved.string()
                  << "' rather than replay it into the new outbox\n";
    }
    return {};
}

// Create an empty outbox file, owner-only, before SQLite opens it, so no
// other user ever reads queued events. O_EXCL and O_NOFOLLOW: a symbolic
// link someone planted in a folder they can write is refused, never followed
// to make a file where it points (as root, anywhere).
model::Expected<bool> create_empty(const std::filesystem::path& path) {
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0 && errno == EEXIST &&
        std::filesystem::is_symlink(std::filesystem::symlink_status(path))) {
        return model::fail("creating outbox '" + path.string() +
                           "': it is a symbolic link to a missing file; refusing to follow it");
    }
    if (fd < 0) {
        return model::fail(describe_errno("creating outbox", path));
    }
    ::close(fd);
    return true;
}

// Return whether `fd` is the file at `path` still (not removed, not replaced).
bool is_file_at(int fd, const std::filesystem::path& path) {
    struct stat opened {};
    struct stat named {};
    return ::fstat(fd, &opened) == 0 && opened.st_nlink > 0 && ::stat(path.c_str(), &named) == 0 &&
           opened.st_dev == named.st_dev && opened.st_ino == named.st_ino;
}

void remove_with_journals(const std::filesystem::path& file) {
    for (const auto& journal : {wal_path(file), shm_path(file), journal_path(file)}) {
        ::unlink(journal.c_str());
    }
    ::unlink(file.c_str());
}

// Remove a temporary unless its builder holds its lock.
void remove_if_dead(const std::filesystem::path& file) {
    const int fd = ::open(file.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        return;
    }
    if (::flock(fd, LOCK_EX | LOCK_NB) == 0 && is_file_at(fd, file)) {
        remove_with_journals(file);
    }
    ::close(fd);
}

} // namespace

model::Expected<bool> create_once(const std::filesystem::path& path,
                                  const std::function<model::Expected<bool>()>& place) {
    auto lock = util::FileLock::acquire(create_lock_path(path), k_create_patience);
    if (!lock) {
        return model::fail("creating outbox '" + path.string() + "': " + lock.error().message);
    }
    std::error_code ec;
    if (std::filesystem::exists(path, ec)) {
        return false;
    }
    if (ec) {
        return model::fail("opening outbox '" + path.string() + "': " + ec.message());
    }
    TRY(move_orphans(path));
    return place();
}

model::Expected<void> prepare_outbox_file(const std::filesystem::path& path) {
    if (auto folder = make_folder(path); !folder) {
        return folder;
    }
    // Never open and close an existing outbox here: closing any descriptor of
    // a file drops every POSIX lock this process holds on it, including the
    // ones SQLite's other connections rely on (the daemon has two), and then
    // another process may think it is the last user and delete the WAL.
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) {
        return model::fail("opening outbox '" + path.string() + "': " + std::strerror(EISDIR));
    }
    if (!std::filesystem::exists(path, ec)) {
        TRY(create_once(path, [&] { return create_empty(path); }));
    }
    remove_dead_temporaries(path);
    return {};
}

void remove_dead_temporaries(const std::filesystem::path& outbox) {
    const auto folder = outbox.parent_path().empty() ? "." : outbox.parent_path();
    std::error_code ec;
    for (std::filesystem::directory_iterator it(folder, ec), end; !ec && it != end;
         it.increment(ec)) {
        if (is_temporary(outbox, it->path())) {
            remove_if_dead(it->path());
        }
    }
}

model::Expected<TemporaryFile> TemporaryFile::create(const std::filesystem::path& outbox) {
    TRY(make_folder(outbox));
    for (int attempt = 0; attempt < k_temporary_attempts; ++attempt) {
        std::string name = temporary_template(outbox).string();
        const int fd = ::mkostemp(name.data(), O_CLOEXEC);
        if (fd < 0) {
            return model::fail(describe_errno("creating outbox", name));
        }
        // Until it is locked, another process's sweep may take it for a dead
        // first load's and remove it: then make another.
        if (::flock(fd, LOCK_EX | LOCK_NB) == 0 && is_file_at(fd, name)) {
            return TemporaryFile(name, fd);
        }
        ::close(fd);
    }
    return model::fail("creating outbox '" + temporary_template(outbox).string() +
                       "': other processes removed every temporary file made");
}

TemporaryFile::TemporaryFile(TemporaryFile&& other) noexcept
    : m_path(std::move(other.m_path)), m_fd(std::exchange(other.m_fd, -1)) {}

TemporaryFile::~TemporaryFile() {
    if (m_fd >= 0) {
        // Removed before the lock goes, so no sweep ever sees it unlocked.
        remove_with_journals(m_path);
        ::close(m_fd);
    }
}

} // namespace outbox
