#include "util/shared_library.hpp"

#include <dlfcn.h>
#include <stdexcept>
#include <string>

namespace util {

Expected<SharedLibrary> SharedLibrary::open(const char* soname, const char* package) {
    void* handle = ::dlopen(soname, RTLD_NOW | RTLD_LOCAL);
    if (handle == nullptr) {
        const char* why = ::dlerror();
        return fail(std::string("loading ") + soname + ": " +
                    (why != nullptr ? why : "unknown error") + " (install the " + package +
                    " package)");
    }
    return SharedLibrary(handle, soname);
}

void* SharedLibrary::symbol(const char* name) const {
    void* found = ::dlsym(m_handle, name);
    if (found == nullptr) {
        throw std::runtime_error(std::string("loading ") + m_soname + ": no symbol " + name +
                                 " (too old a version?)");
    }
    return found;
}

} // namespace util
