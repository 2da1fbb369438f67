#pragma once

#include "util/expected.hpp"
#include "util/http_request.hpp"
#include "util/listen_address.hpp"

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>

namespace util {

// What a responder answers to one request.
struct HttpAnswer {
    int status = 200;
    std::string content_type = "text/plain; charset=utf-8";
    std::string body;
};

// Answers one request; called on the responder's thread.
using HttpHandler = std::function<HttpAnswer(const HttpRequest&)>;

// Return the bytes of an HTTP/1.1 answer that closes the connection; without
// the body for a HEAD request.
std::string format_answer(const HttpAnswer& answer, bool head_only);

// A minimal HTTP/1.1 server for a few GET endpoints (metrics, health) on a
// thread of its own: one connection at a time, one request per connection,
// a request head of at most 8 KiB read within 2 seconds, every answer closes
// the connection. GET and HEAD reach the handler; other methods get 405,
// malformed requests 400.
class HttpResponder {
public:
    // Bind and listen on `address` and start answering with `handler`; an
    // error says what failed (address in use, permission).
    static Expected<std::unique_ptr<HttpResponder>> start(const ListenAddress& address,
                                                          HttpHandler handler);
    // Stop answering and close the socket, waiting for the request in hand.
    ~HttpResponder();
    HttpResponder(const HttpResponder&) = delete;
    HttpResponder& operator=(const HttpResponder&) = delete;

    // Return the port it listens on (the one the kernel chose for port 0).
    std::uint16_t port() const { return m_port; }

private:
    HttpResponder(int listener, int wake_read, int wake_write, std::uint16_t port,
                  HttpHandler handler);
    // Accept and answer connections until the destructor wakes it.
    void run();
    // Read one request from a connection, answer it and close it.
    void serve(int connection);

    int m_listener;
    int m_wake_read;
    int m_wake_write;
    std::uint16_t m_port;
    HttpHandler m_handler;
    std::thread m_thread;
};

} // namespace util
