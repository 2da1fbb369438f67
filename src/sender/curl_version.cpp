#include "sender/curl_version.hpp"

#include "model/error.hpp"
#include "sender/libcurl.hpp"
#include "util/shared_library.hpp"

namespace sender {

std::string curl_version() {
    // Loaded the way a request loads it, then asked again by name: dlopen
    // hands back the same library, whose version call the courier never needs.
    libcurl();
    const auto library =
        model::value_or_throw(util::SharedLibrary::open("libcurl.so.4", "libcurl4"));
    decltype(&::curl_version_info) version_info = nullptr;
    library.resolve("curl_version_info", version_info);
    const auto* info = version_info(CURLVERSION_NOW);
    std::string text = info->version;
    if (info->ssl_version != nullptr) {
        text += std::string(" (") + info->ssl_version + ")";
    }
    return text;
}

} // namespace sender
