#pragma once

#include <atomic>
#include <optional>
#include <string>
#include <vector>

namespace sender {

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

// Whatever carries a request to the API and brings its answer back: HTTP in
// production, a script in the courier's tests.
class Transport {
public:
    virtual ~Transport() = default;

    // POST a body; `secret` is scrubbed from the error and body returned. The
    // request is abandoned as soon as `stop` (when not null) becomes true.
    virtual HttpResponse post(const std::string& url, const std::string& body,
                              const std::vector<std::string>& headers, const std::string& secret,
                              const std::atomic<bool>* stop) = 0;
};

} // namespace sender
