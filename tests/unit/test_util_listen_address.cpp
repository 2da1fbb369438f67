#include "util/listen_address.hpp"

#include <doctest/doctest.h>

TEST_SUITE("util::parse_listen_address") {
    TEST_CASE("numeric IPv4 and bracketed IPv6 addresses with a port") {
        auto v4 = util::parse_listen_address("127.0.0.1:9464");
        REQUIRE(v4);
        CHECK(v4->host == "127.0.0.1");
        CHECK(v4->port == 9464);
        auto v6 = util::parse_listen_address("[::1]:0");
        REQUIRE(v6);
        CHECK(v6->host == "::1");
        CHECK(v6->port == 0);
        CHECK(util::parse_listen_address("0.0.0.0:65535"));
    }

    TEST_CASE("names, missing ports and bare IPv6 are refused") {
        for (const char* text :
             {"localhost:9464", "127.0.0.1", "127.0.0.1:", "127.0.0.1:x", "127.0.0.1:65536",
              "::1:9464", ":9464", "[::1]9464", "127.0.0.1:-1", "127.0.0.1: 80"}) {
            CAPTURE(text);
            const auto parsed = util::parse_listen_address(text);
            REQUIRE_FALSE(parsed);
            CHECK(parsed.error().starts_with("must be HOST:PORT"));
        }
    }
}
