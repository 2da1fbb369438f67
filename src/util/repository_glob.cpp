#include "util/repository_glob.hpp"

#include <cerrno>
#include <cstring>
#include <dirent.h>
#include <fnmatch.h>
#include <memory>
#include <set>
#include <span>
#include <sys/stat.h>

namespace util {

namespace {

using Path = std::filesystem::path;

bool is_dir(const Path& path) {
    struct stat st;
    return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

bool path_exists(const Path& path) {
    struct stat st;
    return ::stat(path.c_str(), &st) == 0;
}

struct DirCloser {
    void operator()(DIR* dir) const { ::closedir(dir); }
};

// One entry of a folder: its name, whether it is (or links to) a folder, and
// whether it is a symbolic link.
struct Entry {
    std::string name;
    bool is_dir = false;
    bool is_link = false;
};

Entry read_entry(const Path& folder, const dirent& item) {
    Entry entry{item.d_name, item.d_type == DT_DIR, item.d_type == DT_LNK};
    if (item.d_type == DT_UNKNOWN || item.d_type == DT_LNK) {
        struct stat st;
        entry.is_dir = ::stat((folder / entry.name).c_str(), &st) == 0 && S_ISDIR(st.st_mode);
        entry.is_link = ::lstat((folder / entry.name).c_str(), &st) == 0 && S_ISLNK(st.st_mode);
    }
    return entry;
}

// Walks a pattern one component at a time, collecting the repositories.
class Matcher {
public:
    explicit Matcher(std::vector<std::string> parts) : m_parts(std::move(parts)) {}

    void walk(const Path& base, std::size_t index) {
        if (index == m_parts.size()) {
            if (is_repository(base)) {
                m_found.insert(base);
            }
            return;
        }
        const auto& part = m_parts[index];
        if (part == "**") {
            walk_any_depth(base, index);
        } else if (!is_glob(part)) {
            if (path_exists(base / part)) {
                walk(base / part, index + 1);
            }
        } else {
            for (const auto& entry : list_folders(base)) {
                if (::fnmatch(part.c_str(), entry.name.c_str(), FNM_PERIOD) == 0) {
                    walk(base / entry.name, index + 1);
                }
            }
        }
    }

    Expansion result() && { return {{m_found.begin(), m_found.end()}, std::move(m_problems)}; }

private:
    void walk_any_depth(const Path& base, std::size_t index) {
        walk(base, index + 1);
        if (is_repository(base)) {
            return;
        }
        for (const auto& entry : list_folders(base)) {
            if (!entry.is_link && entry.name[0] != '.') {
                walk_any_depth(base / entry.name, index);
            }
        }
    }

    std::vector<Entry> list_folders(const Path& folder) {
        std::vector<Entry> entries;
        std::unique_ptr<DIR, DirCloser> dir(::opendir(folder.c_str()));
        if (!dir) {
            m_problems.push_back("listing '" + folder.string() + "': " + std::strerror(errno));
            return entries;
        }
        while (const dirent* item = ::readdir(dir.get())) {
            if (std::strcmp(item->d_name, ".") != 0 && std::strcmp(item->d_name, "..") != 0) {
                auto entry = read_entry(folder, *item);
                if (entry.is_dir) {
                    entries.push_back(std::move(entry));
                }
            }
        }
        return entries;
    }

    std::vector<std::string> m_parts;
    std::set<Path> m_found;
    std::vector<std::string> m_problems;
};

std::vector<std::string> components(const Path& path) {
    std::vector<std::string> parts;
    for (const auto& part : path.relative_path()) {
        if (!part.empty()) {
            parts.push_back(part.string());
        }
    }
    return parts;
}

// Return a configured path made absolute and normal, without a trailing slash.
Path absolute_normal(const Path& path) {
    auto absolute = std::filesystem::absolute(path).lexically_normal();
    if (!absolute.has_filename() && absolute.has_relative_path()) {
        absolute = absolute.parent_path();
    }
    return absolute;
}

bool name_matches(const std::string& part, const std::string& name) {
    return is_glob(part) ? ::fnmatch(part.c_str(), name.c_str(), FNM_PERIOD) == 0 : part == name;
}

bool components_match(std::span<const std::string> pattern, std::span<const std::string> path) {
    if (pattern.empty()) {
        return path.empty();
    }
    if (pattern.front() == "**") {
        // No folder, or one more that is not hidden.
        return components_match(pattern.subspan(1), path) ||
               (!path.empty() && path.front()[0] != '.' &&
                components_match(pattern, path.subspan(1)));
    }
    return !path.empty() && name_matches(pattern.front(), path.front()) &&
           components_match(pattern.subspan(1), path.subspan(1));
}

} // namespace

bool is_repository(const Path& path) {
    if (path_exists(path / ".git")) {
        return true;
    }
    struct stat st;
    return ::stat((path / "HEAD").c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
           is_dir(path / "objects") && is_dir(path / "refs");
}

bool is_glob(const std::string& pattern) {
    return pattern.find_first_of("*?[") != std::string::npos;
}

Expansion expand_pattern(const std::string& pattern) {
    const auto absolute = absolute_normal(pattern);
    if (is_glob(pattern)) {
        Matcher matcher(components(absolute));
        matcher.walk(absolute.root_path(), 0);
        return std::move(matcher).result();
    }
    if (!is_repository(absolute)) {
        return {{},
                {"'" + absolute.string() + "' is not a git repository" +
                 (path_exists(absolute) ? "" : " (no such folder)")}};
    }
    return {{absolute}, {}};
}

bool matches(const std::string& pattern, const Path& path) {
    return components_match(components(absolute_normal(pattern)),
                            components(absolute_normal(path)));
}

} // namespace util
