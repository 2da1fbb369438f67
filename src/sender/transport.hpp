#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
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
    // Whether status 0 came from a request that took too long (timeout, or
    // too slow a transfer) rather than from a refused or broken connection.
    bool timed_out = false;
};

// One POST to make; `tag` names it in its answer, `secret` is scrubbed from
// the error and body that come back.
struct Request {
    std::uint64_t tag = 0;
    std::string url;
    std::string body;
    std::vector<std::string> headers;
    std::string secret;
};

// A request's answer and how long it took from start to end.
struct Answer {
    std::uint64_t tag = 0;
    HttpResponse response;
    std::chrono::steady_clock::duration took{};
};

// Whatever carries requests to the API, many at once, and brings their
// answers back: HTTP in production, a script in the courier's tests.
class Transport {
public:
    virtual ~Transport() = default;

    // Start a request; it runs while the caller waits for answers.
    virtual void start(Request request) = 0;
    // Wait at most `timeout` for requests to end, and return the answers of
    // those that ended (none when the time ran out first).
    virtual std::vector<Answer> wait(std::chrono::milliseconds timeout) = 0;
    // Abandon every request still in flight; return their tags.
    virtual std::vector<std::uint64_t> abandon() = 0;
};

// POST one request and wait for its answer; abandon it (answer marked
// interrupted) as soon as `stop`, when not null, becomes true.
HttpResponse post(Transport& transport, Request request, const std::atomic<bool>* stop);

} // namespace sender
