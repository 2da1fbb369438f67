#include "sender/http_client.hpp"

#include <algorithm>
#include <arpa/inet.h>
#include <chrono>
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <stdexcept>
#include <sys/socket.h>
#include <unistd.h>

namespace {

// A loopback port that accepts connections (the kernel completes them) and
// never answers a byte.
class SilentServer {
public:
    SilentServer() : m_fd(socket(AF_INET, SOCK_STREAM, 0)) {
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t size = sizeof address;
        auto* generic = reinterpret_cast<sockaddr*>(&address);
        if (m_fd < 0 || bind(m_fd, generic, size) != 0 || listen(m_fd, 4) != 0 ||
            getsockname(m_fd, generic, &size) != 0) {
            throw std::runtime_error("cannot listen on 127.0.0.1");
        }
        m_port = ntohs(address.sin_port);
    }
    ~SilentServer() { close(m_fd); }
    SilentServer(const SilentServer&) = delete;
    SilentServer& operator=(const SilentServer&) = delete;

    std::string url() const { return "http://127.0.0.1:" + std::to_string(m_port) + "/"; }

private:
    int m_fd;
    int m_port = 0;
};

// POST to a silent server; return the response and how long it took.
std::pair<sender::HttpResponse, double> post_to_silence(model::NetworkLimits limits,
                                                        const std::atomic<bool>* stop) {
    SilentServer server;
    sender::HttpClient client(limits, 1);
    const auto start = std::chrono::steady_clock::now();
    sender::Request request;
    request.url = server.url();
    request.body = "{}";
    auto response = sender::post(client, request, stop);
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
    return {std::move(response), took.count()};
}

} // namespace

TEST_SUITE("sender::HttpClient") {
    TEST_CASE("the ingestion path follows the base's path, the query is kept") {
        CHECK(sender::ingestion_url("https://ingestion.pulse.codacy.com", "k", "").value() ==
              "https://ingestion.pulse.codacy.com/v1/ingestion/cli?api_key=k");
        CHECK(sender::ingestion_url("http://127.0.0.1:8080/some/path?tenant=a", "k", "s").value() ==
              "http://127.0.0.1:8080/some/path/v1/ingestion/cli?tenant=a&api_key=k&system=s");
        CHECK(sender::ingestion_url("http://h/pulse-proxy/", "k", "").value() ==
              "http://h/pulse-proxy/v1/ingestion/cli?api_key=k");
        CHECK(sender::ingestion_url("http://h/", "k", "").value() ==
              "http://h/v1/ingestion/cli?api_key=k");
    }

    TEST_CASE("key and system are URL-encoded") {
        CHECK(sender::ingestion_url("http://h", "a&b=c", "my system/x").value() ==
              "http://h/v1/ingestion/cli?api_key=a%26b%3dc&system=my+system%2fx");
    }

    TEST_CASE("bad base URLs are errors that do not show the key") {
        const auto bad = sender::ingestion_url("ftp://h", "secret-key", "");
        REQUIRE_FALSE(bad.has_value());
        CHECK(bad.error().message.find("secret-key") == std::string::npos);
        CHECK_FALSE(sender::ingestion_url("not a url", "k", "").has_value());
    }

    TEST_CASE("redact hides every occurrence of the key") {
        CHECK(sender::redact("x=KEY&y=KEY", "KEY") == "x=***&y=***");
        CHECK(sender::redact("nothing", "") == "nothing");
        CHECK(sender::display_url("http://h/p?api_key=K") == "http://h/p");
    }

    TEST_CASE("redact hides the key whatever its case") {
        CHECK(sender::redact("echo: api_key=SeCrEt-Key9", "SeCrEt-Key9") == "echo: api_key=***");
        CHECK(sender::redact("ECHO: API_KEY=SECRET-KEY9", "SeCrEt-Key9") == "ECHO: API_KEY=***");
        CHECK(sender::redact("echo: api_key=secret-key9", "SeCrEt-Key9") == "echo: api_key=***");
        CHECK(sender::redact("K%2BY and k%2by", "K+Y") == "*** and ***");
    }

    TEST_CASE("redact hides the key as a query string carries it") {
        CHECK(sender::redact("api_key=k%2by%2F%3d", "k+y/=") == "api_key=***");
        CHECK(sender::redact("api_key=k%2By%2F%3D", "k+y/=") == "api_key=***");
        CHECK(sender::redact("a+b and a%20b", "a b") == "*** and ***");
        CHECK(sender::redact("plain-key_1.~", "plain-key_1.~") == "***");
    }

    TEST_CASE("Retry-After is read as seconds or as an HTTP date") {
        CHECK(sender::parse_retry_after("120", 0) == 120);
        // Sun, 06 Nov 1994 08:49:37 GMT is 784111777.
        CHECK(sender::parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", 784111777 - 30) == 30);
        CHECK(sender::parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", 784111777 + 30) == 0);
        CHECK_FALSE(sender::parse_retry_after("soon", 0).has_value());
        CHECK_FALSE(sender::parse_retry_after("", 0).has_value());
    }

    TEST_CASE("the network limits end a request the server never answers") {
        SUBCASE("total") {
            const auto [response, took] = post_to_silence({5, 1, 30}, nullptr);
            CHECK(response.status == 0);
            CHECK_FALSE(response.error.empty());
            CHECK_FALSE(response.interrupted);
            CHECK(response.timed_out);
            CHECK(took >= 0.9);
            CHECK(took < 4.0);
        }
        SUBCASE("low speed") {
            const auto [response, took] = post_to_silence({5, 30, 1}, nullptr);
            CHECK(response.status == 0);
            CHECK_FALSE(response.interrupted);
            CHECK(response.timed_out);
            CHECK(took >= 0.9);
            CHECK(took < 4.0);
        }
        SUBCASE("the stop flag abandons it, marked as interrupted") {
            const std::atomic<bool> stop{true};
            const auto [response, took] = post_to_silence({5, 30, 30}, &stop);
            CHECK(response.status == 0);
            CHECK(response.interrupted);
            CHECK(took < 4.0);
        }
    }

    TEST_CASE("requests in flight at once run side by side and end each with its own tag") {
        SilentServer server;
        sender::HttpClient client({5, 1, 30}, 4);
        const auto start = std::chrono::steady_clock::now();
        for (std::uint64_t tag = 1; tag <= 3; ++tag) {
            sender::Request request;
            request.tag = tag;
            request.url = server.url();
            client.start(request);
        }
        std::vector<std::uint64_t> tags;
        while (tags.size() < 3 &&
               std::chrono::steady_clock::now() - start < std::chrono::seconds(10)) {
            for (const auto& answer : client.wait(std::chrono::milliseconds(200))) {
                CHECK(answer.response.timed_out);
                CHECK(answer.took >= std::chrono::milliseconds(900));
                tags.push_back(answer.tag);
            }
        }
        const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
        std::sort(tags.begin(), tags.end());
        CHECK(tags == std::vector<std::uint64_t>{1, 2, 3});
        // Three 1 s timeouts side by side, not one after another.
        CHECK(took.count() < 2.5);
    }

    TEST_CASE("abandon ends every request in flight and names them") {
        SilentServer server;
        sender::HttpClient client({5, 30, 30}, 4);
        for (std::uint64_t tag = 7; tag <= 8; ++tag) {
            sender::Request request;
            request.tag = tag;
            request.url = server.url();
            client.start(request);
        }
        CHECK(client.wait(std::chrono::milliseconds(100)).empty());
        auto tags = client.abandon();
        std::sort(tags.begin(), tags.end());
        CHECK(tags == std::vector<std::uint64_t>{7, 8});
        CHECK(client.abandon().empty());
    }
}
