#include "derive/releases.hpp"

#include <algorithm>

namespace derive {

namespace {

constexpr std::size_t k_tags_prefix = 10; // "refs/tags/"

std::strong_ordering compare_release_versions(const Release& a, const Release& b) {
    if (a.version && b.version) {
        return compare_versions(*a.version, *b.version);
    }
    return static_cast<bool>(a.version) <=> static_cast<bool>(b.version);
}

} // namespace

Release make_release(const model::Ref& ref, model::UnixSeconds time) {
    Release release;
    release.name = ref.name.substr(std::min(k_tags_prefix, ref.name.size()));
    release.commit = ref.peeled;
    release.time = time;
    release.version = parse_version(release.name);
    return release;
}

void sort_releases(std::vector<Release>& releases) {
    std::sort(releases.begin(), releases.end(), [](const Release& a, const Release& b) {
        if (a.time != b.time) {
            return a.time < b.time;
        }
        if (const auto order = compare_release_versions(a, b); order != 0) {
            return order < 0;
        }
        return a.name < b.name;
    });
}

} // namespace derive
