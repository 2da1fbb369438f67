#include "sender/http_client.hpp"

#include <doctest/doctest.h>

TEST_SUITE("sender::HttpClient") {
    TEST_CASE("the ingestion path replaces the base's path, the query is kept") {
        CHECK(sender::ingestion_url("https://ingestion.pulse.codacy.com", "k", "").value() ==
              "https://ingestion.pulse.codacy.com/v1/ingestion/cli?api_key=k");
        CHECK(sender::ingestion_url("http://127.0.0.1:8080/some/path?tenant=a", "k", "s").value() ==
              "http://127.0.0.1:8080/v1/ingestion/cli?tenant=a&api_key=k&system=s");
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
}
