#include "util/http_responder.hpp"

#include <arpa/inet.h>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace util {

namespace {

using Clock = std::chrono::steady_clock;

// How long a client may take to send its request head.
constexpr auto k_read_patience = std::chrono::seconds(2);

const char* reason(int status) {
    switch (status) {
    case 200:
        return "OK";
    case 400:
        return "Bad Request";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 503:
        return "Service Unavailable";
    default:
        return "Status";
    }
}

// Return a socket address for a numeric host and a port, and its length.
std::pair<sockaddr_storage, socklen_t> socket_address(const ListenAddress& address) {
    sockaddr_storage storage{};
    auto* v4 = reinterpret_cast<sockaddr_in*>(&storage);
    if (::inet_pton(AF_INET, address.host.c_str(), &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons(address.port);
        return {storage, sizeof(sockaddr_in)};
    }
    auto* v6 = reinterpret_cast<sockaddr_in6*>(&storage);
    ::inet_pton(AF_INET6, address.host.c_str(), &v6->sin6_addr);
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(address.port);
    return {storage, sizeof(sockaddr_in6)};
}

std::string where(const ListenAddress& address) {
    const bool v6 = address.host.find(':') != std::string::npos;
    return (v6 ? "[" + address.host + "]" : address.host) + ":" + std::to_string(address.port);
}

Expected<int> listening_socket(const ListenAddress& address) {
    const auto [storage, length] = socket_address(address);
    const int fd = ::socket(storage.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return fail(std::string("creating a socket: ") + std::strerror(errno));
    }
    const int on = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    if (::bind(fd, reinterpret_cast<const sockaddr*>(&storage), length) != 0 ||
        ::listen(fd, 16) != 0) {
        const int saved = errno;
        ::close(fd);
        return fail("listening on " + where(address) + ": " + std::strerror(saved));
    }
    return fd;
}

std::uint16_t bound_port(int fd) {
    sockaddr_storage storage{};
    socklen_t length = sizeof storage;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&storage), &length);
    return ntohs(storage.ss_family == AF_INET
                     ? reinterpret_cast<const sockaddr_in*>(&storage)->sin_port
                     : reinterpret_cast<const sockaddr_in6*>(&storage)->sin6_port);
}

// Send all of `bytes`, giving up on an error (the client went away).
void send_all(int fd, std::string_view bytes) {
    while (!bytes.empty()) {
        const auto n = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return;
        }
        bytes.remove_prefix(static_cast<std::size_t>(n));
    }
}

// Read until the request head is complete, malformed, or the time is up.
Expected<std::optional<HttpRequest>> read_request(int fd) {
    std::string bytes;
    const auto deadline = Clock::now() + k_read_patience;
    char buffer[2048];
    for (;;) {
        auto parsed = parse_request_head(bytes);
        if (!parsed || *parsed) {
            return parsed;
        }
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        pollfd ready{fd, POLLIN, 0};
        if (left.count() <= 0 || ::poll(&ready, 1, static_cast<int>(left.count())) <= 0) {
            return std::optional<HttpRequest>();
        }
        const auto n = ::recv(fd, buffer, sizeof buffer, 0);
        if (n <= 0) {
            return std::optional<HttpRequest>();
        }
        bytes.append(buffer, static_cast<std::size_t>(n));
    }
}

} // namespace

std::string format_answer(const HttpAnswer& answer, bool head_only) {
    std::string text = "HTTP/1.1 " + std::to_string(answer.status) + " " + reason(answer.status) +
                       "\r\nContent-Type: " + answer.content_type +
                       "\r\nContent-Length: " + std::to_string(answer.body.size()) +
                       "\r\nCache-Control: no-store\r\nConnection: close\r\n";
    if (answer.status == 405) {
        text += "Allow: GET, HEAD\r\n";
    }
    text += "\r\n";
    return head_only ? text : text + answer.body;
}

Expected<std::unique_ptr<HttpResponder>> HttpResponder::start(const ListenAddress& address,
                                                              HttpHandler handler) {
    auto listener = listening_socket(address);
    if (!listener) {
        return fail(listener.error());
    }
    int wake[2];
    if (::pipe2(wake, O_CLOEXEC) != 0) {
        ::close(*listener);
        return fail(std::string("creating a pipe: ") + std::strerror(errno));
    }
    std::unique_ptr<HttpResponder> responder(
        new HttpResponder(*listener, wake[0], wake[1], bound_port(*listener), std::move(handler)));
    responder->m_thread = std::thread([raw = responder.get()] { raw->run(); });
    return responder;
}

HttpResponder::HttpResponder(int listener, int wake_read, int wake_write, std::uint16_t port,
                             HttpHandler handler)
    : m_listener(listener), m_wake_read(wake_read), m_wake_write(wake_write), m_port(port),
      m_handler(std::move(handler)) {}

HttpResponder::~HttpResponder() {
    const char byte = 0;
    [[maybe_unused]] const auto written = ::write(m_wake_write, &byte, 1);
    if (m_thread.joinable()) {
        m_thread.join();
    }
    ::close(m_listener);
    ::close(m_wake_read);
    ::close(m_wake_write);
}

void HttpResponder::run() {
    for (;;) {
        pollfd ready[2] = {{m_listener, POLLIN, 0}, {m_wake_read, POLLIN, 0}};
        if (::poll(ready, 2, -1) < 0) {
            if (errno == EINTR) {
                continue;
            }
            return;
        }
        if (ready[1].revents != 0) {
            return;
        }
        const int connection = ::accept4(m_listener, nullptr, nullptr, SOCK_CLOEXEC);
        if (connection >= 0) {
            serve(connection);
            ::close(connection);
        }
    }
}

void HttpResponder::serve(int connection) {
    const auto request = read_request(connection);
    if (!request) {
        send_all(connection,
                 format_answer({400, "text/plain; charset=utf-8", request.error() + "\n"}, false));
        return;
    }
    if (!*request) {
        return;
    }
    const auto& head = **request;
    if (head.method != "GET" && head.method != "HEAD") {
        send_all(connection,
                 format_answer({405, "text/plain; charset=utf-8", "GET or HEAD only\n"}, false));
        return;
    }
    HttpAnswer answer;
    try {
        answer = m_handler(head);
    } catch (const std::exception& e) {
        answer = {503, "text/plain; charset=utf-8", std::string(e.what()) + "\n"};
    }
    send_all(connection, format_answer(answer, head.method == "HEAD"));
}

} // namespace util
