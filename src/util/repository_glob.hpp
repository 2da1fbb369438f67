#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace util {

// Return whether a folder is a git repository: bare (HEAD, objects/, refs/)
// or a work tree with a .git inside.
bool is_repository(const std::filesystem::path& path);

// Return whether a configured path is a glob (has *, ? or [).
bool is_glob(const std::string& pattern);

// The repositories a configured path or glob names, and what got in the way.
struct Expansion {
    std::vector<std::filesystem::path> repositories;
    // A plain path that is not a repository, a folder that cannot be listed.
    std::vector<std::string> problems;
};

// Expand a configured path or glob into the repositories it names, sorted and
// made absolute. `*`, `?` and `[...]` match within one path component and
// never a leading dot; `**` matches any number of folders but never goes into
// a repository or through a symbolic link. A glob that matches nothing is not
// a problem.
Expansion expand_pattern(const std::string& pattern);

// Return whether `pattern` names `path` in the dialect of expand_pattern,
// judged by the names alone: both are made absolute and normal (a trailing
// slash does not matter), and `**` matches any number of folders whose names
// do not start with a dot. Whether a folder is a repository or a symbolic
// link is not looked at.
bool matches(const std::string& pattern, const std::filesystem::path& path);

} // namespace util
