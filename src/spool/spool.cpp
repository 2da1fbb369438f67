#include "spool/spool.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <memory>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

namespace spool {

namespace {

constexpr const char* k_suffix = ".push";
constexpr const char* k_temporary_prefix = ".tmp-";
// Readable by the spool's group, which the service is in: a hook user's
// umask (often 077) must not lock the service out of the record.
constexpr mode_t k_record_mode = 0640;

// A file descriptor closed on scope exit.
class Fd {
public:
    explicit Fd(int fd) : m_fd(fd) {}
    ~Fd() {
        if (m_fd >= 0) {
            ::close(m_fd);
        }
    }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    int get() const { return m_fd; }
    // Close now and return whether that worked (a write error can show here).
    bool close() {
        const int fd = m_fd;
        m_fd = -1;
        return ::close(fd) == 0;
    }

private:
    int m_fd;
};

std::string errno_text() {
    return std::strerror(errno);
}

std::string random_hex() {
    std::uint64_t value = 0;
    if (::getrandom(&value, sizeof value, GRND_NONBLOCK) != sizeof value) {
        value =
            static_cast<std::uint64_t>(::getpid()) ^ static_cast<std::uint64_t>(::time(nullptr));
    }
    char text[17];
    std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(value));
    return text;
}

// Return a name that sorts by landing time: nanoseconds, then pid and noise.
std::string record_name() {
    timespec now{};
    ::clock_gettime(CLOCK_REALTIME, &now);
    char stamp[32];
    std::snprintf(stamp, sizeof stamp, "%010lld%09ld", static_cast<long long>(now.tv_sec),
                  now.tv_nsec);
    return std::string(stamp) + "-" + std::to_string(::getpid()) + "-" + random_hex() + k_suffix;
}

bool write_all(int fd, std::string_view bytes) {
    while (!bytes.empty()) {
        const auto n = ::write(fd, bytes.data(), bytes.size());
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return false;
        }
        bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}

model::Expected<void> write_temporary(int folder, const std::string& name, const Writer& write) {
    Fd file(::openat(folder, name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                     k_record_mode));
    if (file.get() < 0) {
        return model::fail("creating a record: " + errno_text());
    }
    bool written = true;
    int problem = 0;
    write([&](std::string_view piece) {
        if (written && !write_all(file.get(), piece)) {
            written = false;
            problem = errno;
        }
    });
    if (written &&
        (::fchmod(file.get(), k_record_mode) != 0 || ::fsync(file.get()) != 0 || !file.close())) {
        written = false;
        problem = errno;
    }
    if (!written) {
        ::unlinkat(folder, name.c_str(), 0);
        return model::fail(std::string("writing a record: ") + std::strerror(problem));
    }
    return {};
}

Fd open_folder(const std::filesystem::path& folder) {
    return Fd(::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
}

bool is_record_name(std::string_view name) {
    return !name.starts_with('.') && name.ends_with(k_suffix);
}

} // namespace

Spool::Spool(std::filesystem::path folder) : m_folder(std::move(folder)) {}

model::Expected<std::string> Spool::drop(std::string_view bytes) const {
    return drop([&](const Put& put) { put(bytes); });
}

model::Expected<std::string> Spool::drop(const Writer& write) const {
    const std::string context = "spool folder '" + m_folder.string() + "'";
    Fd folder = open_folder(m_folder);
    if (folder.get() < 0) {
        return model::fail(context + ": " + errno_text());
    }
    const auto name = record_name();
    const auto temporary = k_temporary_prefix + name;
    if (auto written = write_temporary(folder.get(), temporary, write); !written) {
        return model::fail(context + ": " + written.error().message);
    }
    if (::renameat(folder.get(), temporary.c_str(), folder.get(), name.c_str()) != 0) {
        const auto problem = errno_text();
        ::unlinkat(folder.get(), temporary.c_str(), 0);
        return model::fail(context + ": naming a record: " + problem);
    }
    if (::fsync(folder.get()) != 0) {
        return model::fail(context + ": syncing the folder: " + errno_text());
    }
    return name;
}

model::Expected<std::vector<Entry>> Spool::pending() const {
    Fd folder = open_folder(m_folder);
    DIR* listing = folder.get() < 0 ? nullptr : ::fdopendir(::dup(folder.get()));
    if (listing == nullptr) {
        return model::fail("listing spool folder '" + m_folder.string() + "': " + errno_text());
    }
    const std::unique_ptr<DIR, int (*)(DIR*)> closer(listing, ::closedir);
    std::vector<Entry> entries;
    while (const dirent* item = ::readdir(listing)) {
        struct stat info {};
        if (!is_record_name(item->d_name) ||
            ::fstatat(folder.get(), item->d_name, &info, AT_SYMLINK_NOFOLLOW) != 0 ||
            !S_ISREG(info.st_mode)) {
            continue;
        }
        entries.push_back({item->d_name, info.st_uid, info.st_ctim.tv_sec});
    }
    std::ranges::sort(entries, {}, &Entry::name);
    return entries;
}

model::Expected<std::string> Spool::read(const Entry& entry, std::size_t limit) const {
    const auto path = m_folder / entry.name;
    const std::string context = "reading spooled push '" + path.string() + "'";
    Fd file(::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
    struct stat info {};
    if (file.get() < 0 || ::fstat(file.get(), &info) != 0) {
        return model::fail(context + ": " + errno_text());
    }
    if (!S_ISREG(info.st_mode) || static_cast<std::size_t>(info.st_size) > limit) {
        return model::fail(context + ": not a regular file of at most " + std::to_string(limit) +
                           " bytes");
    }
    std::string bytes(static_cast<std::size_t>(info.st_size), '\0');
    std::size_t done = 0;
    while (done < bytes.size()) {
        const auto n = ::read(file.get(), bytes.data() + done, bytes.size() - done);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return model::fail(context + ": " + (n < 0 ? errno_text() : "it shrank"));
        }
        done += static_cast<std::size_t>(n);
    }
    return bytes;
}

model::Expected<void> Spool::remove(const Entry& entry) const {
    const auto path = m_folder / entry.name;
    if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
        return model::fail("removing spooled push '" + path.string() + "': " + errno_text());
    }
    return {};
}

model::Expected<void> Spool::set_aside(const Entry& entry) const {
    const auto path = m_folder / entry.name;
    const auto aside = m_folder / (entry.name + ".bad");
    if (::rename(path.c_str(), aside.c_str()) != 0) {
        return model::fail("setting aside spooled push '" + path.string() + "': " + errno_text());
    }
    return {};
}

void Spool::sweep(std::chrono::seconds age) const {
    Fd folder = open_folder(m_folder);
    DIR* listing = folder.get() < 0 ? nullptr : ::fdopendir(::dup(folder.get()));
    if (listing == nullptr) {
        return;
    }
    const std::unique_ptr<DIR, int (*)(DIR*)> closer(listing, ::closedir);
    const auto cutoff = ::time(nullptr) - age.count();
    while (const dirent* item = ::readdir(listing)) {
        struct stat info {};
        if (std::string_view(item->d_name).starts_with(k_temporary_prefix) &&
            ::fstatat(folder.get(), item->d_name, &info, AT_SYMLINK_NOFOLLOW) == 0 &&
            info.st_mtim.tv_sec < cutoff) {
            ::unlinkat(folder.get(), item->d_name, 0);
        }
    }
}

model::Expected<void> create_private_folder(const std::filesystem::path& folder) {
    std::error_code ec;
    if (std::filesystem::is_directory(folder, ec)) {
        return {};
    }
    const auto parent = folder.parent_path();
    if (!parent.empty() && !std::filesystem::is_directory(parent, ec)) {
        TRY(create_private_folder(parent));
    }
    if (::mkdir(folder.c_str(), 0700) != 0 && errno != EEXIST) {
        return model::fail("creating spool folder '" + folder.string() + "': " + errno_text());
    }
    return {};
}

} // namespace spool
