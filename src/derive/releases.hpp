#pragma once

#include "derive/semver.hpp"
#include "model/commit_graph.hpp"
#include "model/refs.hpp"

#include <optional>
#include <string>
#include <vector>

namespace derive {

// A release tag and what orders it among the others.
struct Release {
    // The tag name without refs/tags/: the deployment's id.
    std::string name;
    // The commit the tag peels to.
    std::string commit;
    // The time before the never-precede-its-changes adjustment.
    model::UnixSeconds time = 0;
    std::optional<Version> version;
};

// Make a release from a tag ref and its time.
Release make_release(const model::Ref& ref, model::UnixSeconds time);

// Sort releases by (time, SemVer precedence, name), the order deployments ship in.
void sort_releases(std::vector<Release>& releases);

} // namespace derive
