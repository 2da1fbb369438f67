#include "sender/libcurl.hpp"

#include "model/error.hpp"
#include "util/shared_library.hpp"

#include <string>

namespace sender {

namespace {

// The soname Debian's libcurl4 ships (OpenSSL flavour), which the headers we
// build against describe.
constexpr const char* k_soname = "libcurl.so.4";

Libcurl load() {
    const auto library = model::value_or_throw(util::SharedLibrary::open(k_soname, "libcurl4"));
    Libcurl curl{};
    library.resolve("curl_global_init", curl.global_init);
    library.resolve("curl_easy_init", curl.easy_init);
    library.resolve("curl_easy_cleanup", curl.easy_cleanup);
    library.resolve("curl_easy_reset", curl.easy_reset);
    library.resolve("curl_easy_setopt", curl.easy_setopt);
    library.resolve("curl_easy_perform", curl.easy_perform);
    library.resolve("curl_easy_getinfo", curl.easy_getinfo);
    library.resolve("curl_easy_strerror", curl.easy_strerror);
    library.resolve("curl_slist_append", curl.slist_append);
    library.resolve("curl_slist_free_all", curl.slist_free_all);
    library.resolve("curl_url", curl.url);
    library.resolve("curl_url_cleanup", curl.url_cleanup);
    library.resolve("curl_url_set", curl.url_set);
    library.resolve("curl_url_get", curl.url_get);
    library.resolve("curl_free", curl.free);
    library.resolve("curl_getdate", curl.getdate);
    library.resolve("curl_multi_init", curl.multi_init);
    library.resolve("curl_multi_cleanup", curl.multi_cleanup);
    library.resolve("curl_multi_setopt", curl.multi_setopt);
    library.resolve("curl_multi_add_handle", curl.multi_add_handle);
    library.resolve("curl_multi_remove_handle", curl.multi_remove_handle);
    library.resolve("curl_multi_perform", curl.multi_perform);
    library.resolve("curl_multi_poll", curl.multi_poll);
    library.resolve("curl_multi_info_read", curl.multi_info_read);
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
