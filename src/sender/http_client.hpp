#pragma once

#include "model/delivery_policy.hpp"
#include "model/error.hpp"
#include "sender/transport.hpp"

#include <memory>
#include <optional>
#include <string>
#include <vector>

typedef void CURL;
struct curl_slist;

namespace sender {

// A libcurl handle kept across requests so the connection is reused; TLS is
// verified and redirects are never followed.
class HttpClient : public Transport {
public:
    // Open a handle that keeps every request within `limits`.
    explicit HttpClient(model::NetworkLimits limits);

    // POST a body as Transport::post says; `stop` is checked about once a second.
    HttpResponse post(const std::string& url, const std::string& body,
                      const std::vector<std::string>& headers, const std::string& secret,
                      const std::atomic<bool>* stop) override;

private:
    struct Cleanup {
        void operator()(CURL* handle) const;
    };
    std::unique_ptr<CURL, Cleanup> m_curl;
    model::NetworkLimits m_limits;
};

// Return the ingestion URL for a base URL, key and system: the base keeps its
// scheme, host, query and path, /v1/ingestion/cli is appended to the path
// (the Go CLI replaces the path instead), and api_key and
// (when not empty) system are appended URL-encoded.
model::Expected<std::string> ingestion_url(const std::string& base_url, const std::string& api_key,
                                           const std::string& system);

// Return text with every occurrence of secret, plain or URL-encoded, replaced by "***".
std::string redact(std::string text, const std::string& secret);

// Return the URL without its query string, safe to show.
std::string display_url(const std::string& url);

// Parse a Retry-After value (delta seconds or an HTTP date) relative to now.
std::optional<long> parse_retry_after(const std::string& value, long long now);

} // namespace sender
