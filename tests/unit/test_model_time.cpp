#include "model/time.hpp"

#include <ctime>
#include <doctest/doctest.h>

TEST_SUITE("model::time") {
    TEST_CASE("formats UTC with a Z and second precision") {
        CHECK(model::format_rfc3339(0) == "1970-01-01T00:00:00Z");
        CHECK(model::format_rfc3339(1602848432) == "2020-10-16T11:40:32Z");
    }

    TEST_CASE("parses Unix seconds, dates and RFC 3339 with zones") {
        CHECK(model::parse_time("1602848432").value() == 1602848432);
        CHECK(model::parse_time("2020-10-16").value() == 1602806400);
        CHECK(model::parse_time("2020-10-16T11:40:32Z").value() == 1602848432);
        CHECK(model::parse_time("2020-10-16T12:40:32+01:00").value() == 1602848432);
        CHECK(model::parse_time("2020-10-16T06:40:32-05:00").value() == 1602848432);
        CHECK(model::parse_time("2020-10-16T11:40:32.250Z").value() == 1602848432);
    }

    TEST_CASE("rejects what is not a time, saying why") {
        CHECK_FALSE(model::parse_time("").has_value());
        CHECK_FALSE(model::parse_time("yesterday").has_value());
        CHECK_FALSE(model::parse_time("2020-13-01").has_value());
        CHECK_FALSE(model::parse_time("12ab").has_value());
        const auto no_zone = model::parse_time("2020-10-16T11:40:32");
        REQUIRE_FALSE(no_zone.has_value());
        CHECK(no_zone.error().message.find("zone") != std::string::npos);
    }

    TEST_CASE("refuses a long fraction instead of overflowing the stack (found by fuzz_time)") {
        const std::string nanoseconds = "2020-10-16T11:40:32.123456789+01:00";
        CHECK(model::parse_time(nanoseconds).value() == 1602844832);
        CHECK_FALSE(
            model::parse_time("2020-10-16T11:40:32." + std::string(100000, '1') + "Z").has_value());
    }
}

TEST_SUITE("model::time formatting") {
    TEST_CASE("agrees with gmtime/strftime over centuries, leap days included") {
        for (model::UnixSeconds t = -2208988800; t < 7258118400; t += 86399 * 37 + 13) {
            std::time_t tt = static_cast<std::time_t>(t);
            std::tm tm{};
            gmtime_r(&tt, &tm);
            char expected[32];
            std::strftime(expected, sizeof expected, "%Y-%m-%dT%H:%M:%SZ", &tm);
            REQUIRE(model::format_rfc3339(t) == expected);
        }
        CHECK(model::format_rfc3339(951782400) == "2000-02-29T00:00:00Z");
        CHECK(model::format_rfc3339(-1) == "1969-12-31T23:59:59Z");
    }

    TEST_CASE("reads its own form without the regex, as the regex reads it") {
        CHECK(model::parse_time("2024-02-29T23:59:60Z").value() == 1709251200);
        CHECK(model::parse_time("1969-12-31T23:59:59Z").value() == -1);
        CHECK_FALSE(model::parse_time("2024-13-01T00:00:00Z").has_value());
        CHECK_FALSE(model::parse_time("2024-01-01T24:00:00Z").has_value());
        CHECK_FALSE(model::parse_time("2024-01-01T00:00:00z0").has_value());
        CHECK(model::parse_time("2024-01-01T00:00:00z").value() == 1704067200);
    }

    TEST_CASE("round-trips through parse_time") {
        for (model::UnixSeconds t : {0LL, 1602848432LL, 4102444799LL, 951868799LL}) {
            CHECK(model::parse_time(model::format_rfc3339(t)).value() == t);
        }
    }
}

TEST_SUITE("model::time") {
    TEST_CASE("refuses dates and zones that do not exist") {
        CHECK_FALSE(model::parse_time("2024-02-31"));
        CHECK_FALSE(model::parse_time("2023-02-29"));
        CHECK_FALSE(model::parse_time("2024-04-31T00:00:00Z"));
        CHECK_FALSE(model::parse_time("2024-01-01T00:00:00+99:99"));
        CHECK_FALSE(model::parse_time("2024-01-01T00:00:00+24:00"));
        CHECK_FALSE(model::parse_time("2024-01-01T00:00:00-05:60"));
        CHECK(model::parse_time("2024-02-29").value() == 1709164800);
        CHECK(model::parse_time("2000-02-29T00:00:00Z").value() == 951782400);
        CHECK(model::parse_time("2024-01-01T00:00:00+23:59").value() == 1704067200 - 86340);
    }
}
