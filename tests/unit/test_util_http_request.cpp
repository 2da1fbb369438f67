#include "util/http_request.hpp"

#include <doctest/doctest.h>

TEST_SUITE("util::parse_request_head") {
    TEST_CASE("a Prometheus scrape is a GET of /metrics") {
        const auto parsed = util::parse_request_head(
            "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1:9464\r\nAccept: text/plain\r\n\r\n");
        REQUIRE(parsed);
        REQUIRE(*parsed);
        CHECK((*parsed)->method == "GET");
        CHECK((*parsed)->path == "/metrics");
    }

    TEST_CASE("the query is dropped, bare LFs and HTTP/1.0 are accepted") {
        const auto parsed = util::parse_request_head("HEAD /healthz?x=1 HTTP/1.0\n\n");
        REQUIRE(parsed);
        REQUIRE(*parsed);
        CHECK((*parsed)->method == "HEAD");
        CHECK((*parsed)->path == "/healthz");
    }

    TEST_CASE("a head without its empty line is incomplete") {
        for (const char* text : {"", "GET /metr", "GET /metrics HTTP/1.1\r\n",
                                 "GET /metrics HTTP/1.1\r\nHost: x\r\n"}) {
            CAPTURE(text);
            const auto parsed = util::parse_request_head(text);
            REQUIRE(parsed);
            CHECK_FALSE(*parsed);
        }
    }

    TEST_CASE("malformed heads are errors") {
        CHECK(util::parse_request_head("GET metrics HTTP/1.1\r\n\r\n").error() ==
              "malformed request target");
        CHECK(util::parse_request_head("get / HTTP/1.1\r\n\r\n").error() == "malformed method");
        CHECK(util::parse_request_head("GET / HTTP/2.0\r\n\r\n").error() ==
              "unsupported HTTP version");
        CHECK(util::parse_request_head("GET /\r\n\r\n").error() == "malformed request line");
        CHECK(util::parse_request_head("GET / HTTP/1.1\r\nno colon\r\n\r\n").error() ==
              "malformed header line");
        const std::string huge = "GET /" + std::string(util::k_max_request_head, 'a');
        CHECK(util::parse_request_head(huge).error() == "request head too large");
    }
}
