#pragma once

#include "util/expected.hpp"

#include <string>

// A shared library opened with dlopen when it is first needed rather than
// linked: what a linked library pulls in is bound at every start of
// pulse-agent, and the git hook's start is on a push's critical path. Used
// for libgit2, libcurl and libsystemd, each by the one layer that calls it.
namespace util {

// An open shared library, never closed (the libraries keep global state
// until the process exits).
class SharedLibrary {
public:
    // Open `soname` with every symbol bound now; an error naming the Debian
    // `package` to install when it cannot be opened.
    static Expected<SharedLibrary> open(const char* soname, const char* package);

    // Set `function` to the symbol `name`; throw std::runtime_error naming both when the
    // library has no such symbol (an older version).
    template <typename Function>
    void resolve(const char* name, Function& function) const {
        function = reinterpret_cast<Function>(symbol(name));
    }

private:
    SharedLibrary(void* handle, const char* soname) : m_handle(handle), m_soname(soname) {}
    void* symbol(const char* name) const;

    void* m_handle;
    const char* m_soname;
};

} // namespace util
