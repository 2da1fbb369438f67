#include "model/go_integer.hpp"

#include <cstdint>
#include <doctest/doctest.h>
#include <limits>

namespace {

std::int64_t value_of(std::string_view text) {
    const auto parsed = model::parse_go_integer(text);
    REQUIRE_MESSAGE(parsed, text);
    return *parsed;
}

std::string refusal_of(std::string_view text) {
    const auto parsed = model::parse_go_integer(text);
    REQUIRE_FALSE_MESSAGE(parsed, text);
    return parsed.error().message;
}

} // namespace

TEST_SUITE("model::parse_go_integer") {
    TEST_CASE("reads what strconv.ParseInt(s, 0, 64) reads") {
        SUBCASE("decimal with a sign") {
            CHECK(value_of("1602852032") == 1602852032);
            CHECK(value_of("+1602852032") == 1602852032);
            CHECK(value_of("-42") == -42);
            CHECK(value_of("0") == 0);
            CHECK(value_of("-0") == 0);
        }
        SUBCASE("base prefixes, either case") {
            CHECK(value_of("0x5F89A1C0") == 0x5F89A1C0);
            CHECK(value_of("0X5f89a1c0") == 0x5F89A1C0);
            CHECK(value_of("0o17") == 15);
            CHECK(value_of("0O17") == 15);
            CHECK(value_of("0b101") == 5);
            CHECK(value_of("-0x10") == -16);
        }
        SUBCASE("a leading 0 is octal") {
            CHECK(value_of("017") == 15);
            CHECK(value_of("0755") == 493);
            CHECK(value_of("00") == 0);
        }
        SUBCASE("underscores between digits") {
            CHECK(value_of("1_602_852_032") == 1602852032);
            CHECK(value_of("0x_5F_89") == 0x5F89);
            CHECK(value_of("0_17") == 15);
        }
        SUBCASE("the int64 extremes") {
            CHECK(value_of("9223372036854775807") == std::numeric_limits<std::int64_t>::max());
            CHECK(value_of("-9223372036854775808") == std::numeric_limits<std::int64_t>::min());
        }
    }

    TEST_CASE("refuses what strconv.ParseInt refuses, with Go's reason") {
        SUBCASE("syntax") {
            for (const auto* text : {"", "+", "-", "0x", "0b", "08", "0b102", "1e3", " 1", "1 ",
                                     "1.0", "_1", "1_", "1__2", "0x_", "+-1", "0x1g", "٣"}) {
                CHECK_MESSAGE(refusal_of(text) == "invalid syntax", text);
            }
        }
        SUBCASE("range") {
            CHECK(refusal_of("9223372036854775808") == "value out of range");
            CHECK(refusal_of("-9223372036854775809") == "value out of range");
            CHECK(refusal_of("18446744073709551616") == "value out of range");
            CHECK(refusal_of("0x8000000000000000") == "value out of range");
        }
        SUBCASE("an overflow met before a bad digit is a range error, as in Go") {
            CHECK(refusal_of("99999999999999999999x") == "value out of range");
            CHECK(refusal_of("1x99999999999999999999") == "invalid syntax");
        }
    }
}
