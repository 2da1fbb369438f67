#include "git/libgit2_api.hpp"

#include "model/error.hpp"
#include "util/shared_library.hpp"

namespace git {

namespace {

// The soname of Debian's libgit2-1.5, which the headers we build against describe.
constexpr const char* k_soname = "libgit2.so.1.5";

Libgit2 load() {
    const auto library = model::value_or_throw(util::SharedLibrary::open(k_soname, "libgit2-1.5"));
    Libgit2 lib;
#define PULSE_LIBGIT2_RESOLVE(name) library.resolve("git_" #name, lib.name);
    PULSE_LIBGIT2_FUNCTIONS(PULSE_LIBGIT2_RESOLVE)
#undef PULSE_LIBGIT2_RESOLVE
    return lib;
}

} // namespace

const Libgit2& api() {
    static const Libgit2 loaded = load();
    return loaded;
}

} // namespace git
