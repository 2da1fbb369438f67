#pragma once

#include "model/delivery_policy.hpp"
#include "model/error.hpp"
#include "sender/transport.hpp"

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

typedef void CURLM;

namespace sender {

// Requests over libcurl's multi interface: many in flight at once, on
// connections kept across requests (HTTP/2 streams on one connection when the
// server offers it over TLS, a pool of HTTP/1.1 keep-alive connections
// otherwise); TLS is verified and redirects are never followed.
class HttpClient : public Transport {
public:
    // Prepare to send within `limits`, at most `max_connections` connections
    // at a time.
    HttpClient(model::NetworkLimits limits, std::size_t max_connections);
    ~HttpClient() override;
    HttpClient(const HttpClient&) = delete;
    HttpClient& operator=(const HttpClient&) = delete;

    // Start a request as Transport::start says.
    void start(Request request) override;
    // Wait for answers as Transport::wait says.
    std::vector<Answer> wait(std::chrono::milliseconds timeout) override;
    // Abandon what is in flight as Transport::abandon says.
    std::vector<std::uint64_t> abandon() override;

private:
    struct Transfer;
    // Collect the answers of the transfers libcurl says are done.
    std::vector<Answer> collect();
    // Detach a transfer from the multi handle and keep its easy handle for reuse.
    void finish(Transfer* transfer);

    model::NetworkLimits m_limits;
    CURLM* m_multi = nullptr;
    std::vector<std::unique_ptr<Transfer>> m_transfers;
    std::vector<void*> m_idle_handles;
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
