#include "git/library_version.hpp"

#include "git/libgit2_api.hpp"
#include "model/error.hpp"
#include "util/shared_library.hpp"

#include <git2/common.h>

namespace git {

std::string libgit2_version() {
    // Loaded the way a repository loads it, then asked again by name: dlopen
    // hands back the same library, whose version call nothing else needs.
    api();
    const auto library =
        model::value_or_throw(util::SharedLibrary::open("libgit2.so.1.5", "libgit2-1.5"));
    decltype(&::git_libgit2_version) version = nullptr;
    library.resolve("git_libgit2_version", version);
    int major = 0;
    int minor = 0;
    int revision = 0;
    version(&major, &minor, &revision);
    return std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(revision);
}

} // namespace git
