#include "sender/libcurl.hpp"

#include "model/error.hpp"

#include <dlfcn.h>
#include <string>

namespace sender {

namespace {

// The soname Debian's libcurl4 ships (OpenSSL flavour), which the headers we
// build against describe.
constexpr const char* k_soname = "libcurl.so.4";

template <typename Function>
void resolve(void* library, const char* name, Function& function) {
    void* symbol = ::dlsym(library, name);
    if (symbol == nullptr) {
        throw model::Failure(std::string("loading ") + k_soname + ": no symbol " + name +
                             " (libcurl too old?)");
    }
    function = reinterpret_cast<Function>(symbol);
}

Libcurl load() {
    // Never unloaded: libcurl keeps global state until the process exits.
    void* library = ::dlopen(k_soname, RTLD_NOW | RTLD_LOCAL);
    if (library == nullptr) {
        const char* why = ::dlerror();
        throw model::Failure(std::string("loading ") + k_soname + ": " +
                             (why != nullptr ? why : "unknown error") +
                             " (install the libcurl4 package)");
    }
    Libcurl curl{};
    resolve(library, "curl_global_init", curl.global_init);
    resolve(library, "curl_easy_init", curl.easy_init);
    resolve(library, "curl_easy_cleanup", curl.easy_cleanup);
    resolve(library, "curl_easy_reset", curl.easy_reset);
    resolve(library, "curl_easy_setopt", curl.easy_setopt);
    resolve(library, "curl_easy_perform", curl.easy_perform);
    resolve(library, "curl_easy_getinfo", curl.easy_getinfo);
    resolve(library, "curl_easy_strerror", curl.easy_strerror);
    resolve(library, "curl_slist_append", curl.slist_append);
    resolve(library, "curl_slist_free_all", curl.slist_free_all);
    resolve(library, "curl_url", curl.url);
    resolve(library, "curl_url_cleanup", curl.url_cleanup);
    resolve(library, "curl_url_set", curl.url_set);
    resolve(library, "curl_url_get", curl.url_get);
    resolve(library, "curl_free", curl.free);
    resolve(library, "curl_getdate", curl.getdate);
    if (curl.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        throw model::Failure(std::string("initialising ") + k_soname + " failed");
    }
    return curl;
}

} // namespace

const Libcurl& libcurl() {
    // A function-local static: loaded once, thread-safely, and a failed load
    // is retried by the next caller.
    static const Libcurl loaded = load();
    return loaded;
}

} // namespace sender
