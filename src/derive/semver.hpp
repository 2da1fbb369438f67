#pragma once

#include <compare>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace derive {

// A SemVer 2.0 version read from a tag name ("v1.2.3-rc.1+build.5").
struct Version {
    // MAJOR, MINOR and PATCH as digit strings, so any length compares right.
    std::string major;
    std::string minor;
    std::string patch;
    std::vector<std::string> pre_release;
};

// Return the version a tag name spells, with an optional leading v; nullopt
// when it is not SemVer.
std::optional<Version> parse_version(std::string_view name);

// Compare by SemVer precedence (build metadata is ignored).
std::strong_ordering compare_versions(const Version& a, const Version& b);

// Compare tag names by SemVer precedence; names that are not SemVer come
// first and tie with each other.
std::strong_ordering compare_precedence(std::string_view a, std::string_view b);

} // namespace derive
