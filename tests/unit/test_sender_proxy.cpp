#include "sender/proxy.hpp"

#include <doctest/doctest.h>
#include <map>
#include <string>

namespace {

using Variables = std::map<std::string, std::string>;

sender::ProxyChoice choice_for(const std::string& url, const Variables& variables) {
    return sender::proxy_from_environment(url, [&variables](const char* name) {
        const auto it = variables.find(name);
        return it == variables.end() ? std::string() : it->second;
    });
}

} // namespace

TEST_SUITE("sender::proxy_from_environment") {
    TEST_CASE("http:// honours HTTP_PROXY in upper case, as Go does") {
        CHECK(choice_for("http://api/", {{"HTTP_PROXY", "http://p:1"}}).proxy == "http://p:1");
        CHECK(choice_for("http://api/", {{"http_proxy", "http://q:2"}}).proxy == "http://q:2");
        CHECK(
            choice_for("http://api/", {{"HTTP_PROXY", "http://p:1"}, {"http_proxy", "x"}}).proxy ==
            "http://p:1");
        SUBCASE("an empty upper-case value falls back to the lower case one") {
            CHECK(choice_for("http://api/", {{"HTTP_PROXY", ""}, {"http_proxy", "http://q:2"}})
                      .proxy == "http://q:2");
        }
    }

    TEST_CASE("in a CGI program HTTP_PROXY may come from a request header: ignored") {
        const Variables cgi = {{"REQUEST_METHOD", "GET"}, {"HTTP_PROXY", "http://evil:1"}};
        CHECK(choice_for("http://api/", cgi).proxy == "");
        auto with_lower = cgi;
        with_lower["http_proxy"] = "http://q:2";
        CHECK(choice_for("http://api/", with_lower).proxy == "http://q:2");
    }

    TEST_CASE("https:// takes HTTPS_PROXY or https_proxy, never HTTP_PROXY") {
        CHECK(choice_for("https://api/", {{"HTTPS_PROXY", "http://s:3"}}).proxy == "http://s:3");
        CHECK(choice_for("https://api/", {{"https_proxy", "http://t:4"}}).proxy == "http://t:4");
        CHECK(choice_for("https://api/", {{"HTTP_PROXY", "http://p:1"}}).proxy == "");
    }

    TEST_CASE("NO_PROXY is passed on, loopback always exempt") {
        CHECK(choice_for("http://api/", {}).no_proxy == "localhost,127.0.0.0/8,::1");
        CHECK(choice_for("http://api/", {{"NO_PROXY", "api,.corp"}}).no_proxy ==
              "api,.corp,localhost,127.0.0.0/8,::1");
        CHECK(choice_for("http://api/", {{"no_proxy", "x"}}).no_proxy ==
              "x,localhost,127.0.0.0/8,::1");
        CHECK(choice_for("http://api/", {{"NO_PROXY", "*"}}).no_proxy == "*");
    }
}
