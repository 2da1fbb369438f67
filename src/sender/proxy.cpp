#include "sender/proxy.hpp"

#include <cstdlib>

namespace sender {

namespace {

// Return the first of the variables that is set and not empty, as Go's getEnvAny.
std::string first_set(const EnvironmentValue& environment, const char* upper, const char* lower) {
    const auto value = environment(upper);
    return value.empty() ? environment(lower) : value;
}

// Go never proxies these; libcurl would, so they join the NO_PROXY list.
constexpr const char* k_loopback = "localhost,127.0.0.0/8,::1";

} // namespace

ProxyChoice proxy_from_environment(const std::string& url, const EnvironmentValue& environment) {
    ProxyChoice choice;
    if (url.starts_with("https://")) {
        choice.proxy = first_set(environment, "HTTPS_PROXY", "https_proxy");
    } else if (environment("REQUEST_METHOD").empty()) {
        choice.proxy = first_set(environment, "HTTP_PROXY", "http_proxy");
    } else {
        choice.proxy = environment("http_proxy");
    }
    const auto no_proxy = first_set(environment, "NO_PROXY", "no_proxy");
    // libcurl reads "*" as "no proxy at all" only when it stands alone.
    if (no_proxy == "*") {
        choice.no_proxy = no_proxy;
    } else {
        choice.no_proxy = no_proxy.empty() ? k_loopback : no_proxy + "," + k_loopback;
    }
    return choice;
}

std::string process_environment(const char* name) {
    const char* value = std::getenv(name);
    return value ? value : "";
}

} // namespace sender
