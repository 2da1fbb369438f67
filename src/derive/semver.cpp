#include "derive/semver.hpp"

#include <algorithm>

namespace derive {

namespace {

bool is_numeric(std::string_view text) {
    return !text.empty() &&
           std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool is_identifier(std::string_view text) {
    return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
               c == '-';
    });
}

// A SemVer number: digits without a leading zero.
bool is_number(std::string_view text) {
    return is_numeric(text) && (text.size() == 1 || text[0] != '0');
}

std::vector<std::string_view> split(std::string_view text, char separator) {
    std::vector<std::string_view> parts;
    for (std::size_t start = 0;;) {
        const auto end = text.find(separator, start);
        parts.push_back(text.substr(start, end == std::string_view::npos ? end : end - start));
        if (end == std::string_view::npos) {
            return parts;
        }
        start = end + 1;
    }
}

std::strong_ordering compare_numbers(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) {
        return a.size() <=> b.size();
    }
    return a.compare(b) <=> 0;
}

std::strong_ordering compare_identifiers(std::string_view a, std::string_view b) {
    const bool a_number = is_numeric(a);
    const bool b_number = is_numeric(b);
    if (a_number && b_number) {
        return compare_numbers(a, b);
    }
    if (a_number != b_number) {
        return a_number ? std::strong_ordering::less : std::strong_ordering::greater;
    }
    return a.compare(b) <=> 0;
}

bool valid_build(std::string_view build) {
    const auto parts = split(build, '.');
    return std::all_of(parts.begin(), parts.end(), is_identifier);
}

} // namespace

std::optional<Version> parse_version(std::string_view name) {
    if (name.starts_with('v')) {
        name.remove_prefix(1);
    }
    if (const auto plus = name.find('+'); plus != std::string_view::npos) {
        if (!valid_build(name.substr(plus + 1))) {
            return std::nullopt;
        }
        name = name.substr(0, plus);
    }
    Version version;
    if (const auto dash = name.find('-'); dash != std::string_view::npos) {
        for (const auto part : split(name.substr(dash + 1), '.')) {
            if (!is_identifier(part) || (is_numeric(part) && !is_number(part))) {
                return std::nullopt;
            }
            version.pre_release.emplace_back(part);
        }
        name = name.substr(0, dash);
    }
    const auto core = split(name, '.');
    if (core.size() != 3 || !std::all_of(core.begin(), core.end(), is_number)) {
        return std::nullopt;
    }
    version.major = core[0];
    version.minor = core[1];
    version.patch = core[2];
    return version;
}

std::strong_ordering compare_versions(const Version& a, const Version& b) {
    for (const auto& [x, y] : {std::pair{&a.major, &b.major}, std::pair{&a.minor, &b.minor},
                               std::pair{&a.patch, &b.patch}}) {
        if (const auto order = compare_numbers(*x, *y); order != 0) {
            return order;
        }
    }
    if (a.pre_release.empty() || b.pre_release.empty()) {
        return b.pre_release.size() == a.pre_release.size() ? std::strong_ordering::equal
               : a.pre_release.empty()                      ? std::strong_ordering::greater
                                                            : std::strong_ordering::less;
    }
    const auto common = std::min(a.pre_release.size(), b.pre_release.size());
    for (std::size_t i = 0; i < common; ++i) {
        if (const auto order = compare_identifiers(a.pre_release[i], b.pre_release[i]);
            order != 0) {
            return order;
        }
    }
    return a.pre_release.size() <=> b.pre_release.size();
}

std::strong_ordering compare_precedence(std::string_view a, std::string_view b) {
    const auto x = parse_version(a);
    const auto y = parse_version(b);
    if (x && y) {
        return compare_versions(*x, *y);
    }
    return static_cast<bool>(x) <=> static_cast<bool>(y);
}

} // namespace derive
