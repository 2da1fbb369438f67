#include "git/libgit2_api.hpp"

#include "model/error.hpp"

#include <dlfcn.h>
#include <string>

namespace git {

namespace {

// The soname of Debian's libgit2-1.5, which the headers we build against describe.
constexpr const char* k_soname = "libgit2.so.1.5";

template <typename Function>
void resolve(void* library, const char* name, Function& function) {
    void* symbol = ::dlsym(library, name);
    if (symbol == nullptr) {
        throw model::Failure(std::string("loading ") + k_soname + ": no symbol " + name);
    }
    function = reinterpret_cast<Function>(symbol);
}

Libgit2 load() {
    // Never unloaded: libgit2 keeps global state until the process exits.
    void* library = ::dlopen(k_soname, RTLD_NOW | RTLD_LOCAL);
    if (library == nullptr) {
        const char* why = ::dlerror();
        throw model::Failure(std::string("loading ") + k_soname + ": " +
                             (why != nullptr ? why : "unknown error") +
                             " (install the libgit2-1.5 package)");
    }
    Libgit2 lib;
#define PULSE_LIBGIT2_RESOLVE(name) resolve(library, "git_" #name, lib.name);
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
