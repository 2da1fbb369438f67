#include "daemon/ref_fingerprint.hpp"

#include <algorithm>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <memory>
#include <string_view>
#include <sys/stat.h>
#include <unistd.h>

namespace pulse_daemon {

namespace {

// Change times this close to now may still be shared by a later change (file
// times advance by clock ticks, and network file systems lag further).
constexpr std::time_t k_racy_seconds = 2;

// Folds file metadata into a 64-bit FNV-1a hash.
class Hasher {
public:
    void add(const void* data, std::size_t size) {
        const auto* bytes = static_cast<const unsigned char*>(data);
        for (std::size_t i = 0; i < size; ++i) {
            m_hash = (m_hash ^ bytes[i]) * 1099511628211ULL;
        }
    }

    void add_stat(std::string_view name, const struct stat& st) {
        add(name.data(), name.size());
        const std::int64_t fields[] = {static_cast<std::int64_t>(st.st_ino),
                                       static_cast<std::int64_t>(st.st_size),
                                       st.st_ctim.tv_sec,
                                       st.st_ctim.tv_nsec,
                                       st.st_mtim.tv_sec,
                                       st.st_mtim.tv_nsec};
        add(fields, sizeof fields);
        m_newest = std::max(m_newest, std::max(st.st_ctim.tv_sec, st.st_mtim.tv_sec));
    }

    std::uint64_t hash() const { return m_hash; }
    std::time_t newest() const { return m_newest; }

private:
    std::uint64_t m_hash = 14695981039346656037ULL;
    std::time_t m_newest = 0;
};

struct DirCloser {
    void operator()(DIR* dir) const { ::closedir(dir); }
};

// Hash every folder below the open folder `fd` (which it takes over).
bool hash_folders(int fd, Hasher& hasher) {
    std::unique_ptr<DIR, DirCloser> dir(::fdopendir(fd));
    if (!dir) {
        ::close(fd);
        return false;
    }
    while (const dirent* item = ::readdir(dir.get())) {
        if (item->d_type != DT_DIR && item->d_type != DT_UNKNOWN) {
            continue;
        }
        if (std::strcmp(item->d_name, ".") == 0 || std::strcmp(item->d_name, "..") == 0) {
            continue;
        }
        struct stat st;
        if (::fstatat(::dirfd(dir.get()), item->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
            return false;
        }
        if (!S_ISDIR(st.st_mode)) {
            continue;
        }
        hasher.add_stat(item->d_name, st);
        const int child = ::openat(::dirfd(dir.get()), item->d_name,
                                   O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
        if (child < 0 || !hash_folders(child, hasher)) {
            return false;
        }
        hasher.add("/..", 3);
    }
    return true;
}

std::filesystem::path git_dir_of(const std::filesystem::path& path) {
    struct stat st;
    const auto dot_git = path / ".git";
    if (::stat(dot_git.c_str(), &st) == 0) {
        // A .git file (worktrees, submodules) points elsewhere: not handled here.
        return S_ISDIR(st.st_mode) ? dot_git : std::filesystem::path();
    }
    return path;
}

} // namespace

RefFingerprint fingerprint_refs(const std::filesystem::path& path, std::time_t now) {
    const auto git_dir = git_dir_of(path);
    if (git_dir.empty()) {
        return {};
    }
    Hasher hasher;
    struct stat st;
    // reftable keeps refs in files that git never renames over: not handled.
    if (::stat((git_dir / "reftable").c_str(), &st) == 0) {
        return {};
    }
    if (::stat((git_dir / "packed-refs").c_str(), &st) == 0) {
        hasher.add_stat("packed-refs", st);
    }
    const auto refs = git_dir / "refs";
    if (::stat(refs.c_str(), &st) != 0) {
        return {};
    }
    hasher.add_stat("refs", st);
    const int fd = ::open(refs.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0 || !hash_folders(fd, hasher)) {
        return {};
    }
    return {hasher.hash(), hasher.newest() < now - k_racy_seconds, true};
}

bool vouches_unchanged(const RefFingerprint& stored, const RefFingerprint& current) {
    return stored.usable && current.usable && stored.settled && stored.hash == current.hash;
}

} // namespace pulse_daemon
