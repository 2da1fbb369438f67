#pragma once

#include <functional>
#include <string>

namespace sender {

// Look an environment variable up: "" when unset or empty.
using EnvironmentValue = std::function<std::string(const char* name)>;

// The proxy settings for one request, as libcurl's CURLOPT_PROXY and
// CURLOPT_NOPROXY take them ("" proxy: none).
struct ProxyChoice {
    std::string proxy;
    std::string no_proxy;
};

// Return the proxy Go's http.ProxyFromEnvironment picks for a URL: for
// https, HTTPS_PROXY or https_proxy; for http, HTTP_PROXY or http_proxy,
// except in a CGI program (REQUEST_METHOD set), where HTTP_PROXY may come
// from a request header (httpoxy) and only http_proxy counts; NO_PROXY or
// no_proxy, and never a proxy for localhost or a loopback address.
ProxyChoice proxy_from_environment(const std::string& url, const EnvironmentValue& environment);

// Return this process's environment variable, "" when unset.
std::string process_environment(const char* name);

} // namespace sender
