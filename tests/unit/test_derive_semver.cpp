#include "derive/semver.hpp"

#include <doctest/doctest.h>

TEST_SUITE("derive::semver") {
    TEST_CASE("parse_version reads SemVer with an optional v") {
        const auto v = derive::parse_version("v1.22.333-rc.1+build.5");
        REQUIRE(v.has_value());
        CHECK(v->major == "1");
        CHECK(v->minor == "22");
        CHECK(v->patch == "333");
        CHECK(v->pre_release == std::vector<std::string>{"rc", "1"});
        for (const char* bad : {"1.0", "v1.5.3.1", "01.0.0", "1.0.0-01", "1.0.0+", "1.0.0-",
                                "gitgui-0.10.0", "x1.0.0", "1.0.0-a..b"}) {
            CHECK_MESSAGE(!derive::parse_version(bad).has_value(), bad);
        }
    }

    TEST_CASE("compare_precedence follows SemVer, non-SemVer first") {
        const std::vector<std::string> ordered = {"latest",        "1.0.0-alpha",
                                                  "1.0.0-alpha.1", "1.0.0-alpha.beta",
                                                  "1.0.0-beta",    "1.0.0-beta.2",
                                                  "1.0.0-beta.11", "1.0.0-rc.1",
                                                  "1.0.0",         "v1.0.1",
                                                  "1.2.0",         "1.10.0",
                                                  "2.0.0",         "99999999999999999999.0.0"};
        for (std::size_t i = 0; i + 1 < ordered.size(); ++i) {
            CHECK_MESSAGE(derive::compare_precedence(ordered[i], ordered[i + 1]) < 0,
                          ordered[i] << " < " << ordered[i + 1]);
            CHECK(derive::compare_precedence(ordered[i + 1], ordered[i]) > 0);
        }
        CHECK(derive::compare_precedence("1.0.0+a", "v1.0.0+b") == 0);
        CHECK(derive::compare_precedence("foo", "bar") == 0);
    }
}
