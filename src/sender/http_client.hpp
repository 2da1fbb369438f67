#pragma once

#include "model/error.hpp"

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <vector>

typedef void CURL;
struct curl_slist;

namespace sender {

// Network limits, in seconds.
struct HttpLimits {
    long connect_timeout = 10;
    long total_timeout = 30;
    long low_speed_time = 15;
};

// What came back from one POST; status 0 means no HTTP answer at all.
struct HttpResponse {
    long status = 0;
    std::string body;
    std::optional<std::string> retry_after;
    // The transport error when status is 0, with the API key already removed.
    std::string error;
    // True when the request was abandoned because the caller asked to stop.
    bool interrupted = false;
};

// A libcurl handle kept across requests so the connection is reused; TLS is
// verified and redirects are never followed.
class HttpClient {
public:
    explicit HttpClient(HttpLimits limits);

    // POST a body; `secret` is scrubbed from any error text. The request is
    // abandoned as soon as `stop` becomes true (checked about once a second).
    HttpResponse post(const std::string& url, const std::string& body,
                      const std::vector<std::string>& headers, const std::string& secret,
                      const std::atomic<bool>* stop = nullptr);

private:
    struct Cleanup {
        void operator()(CURL* handle) const;
    };
    std::unique_ptr<CURL, Cleanup> m_curl;
    HttpLimits m_limits;
};

// Return the ingestion URL for a base URL, key and system: the base keeps its
// scheme, host and query, the path becomes /v1/ingestion/cli, and api_key and
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
