#include "model/csv_record.hpp"

#include <doctest/doctest.h>
#include <string>
#include <vector>

namespace {

using Fields = std::vector<std::string>;

Fields fields_of(std::string_view text) {
    const auto parsed = model::parse_csv_record(text);
    REQUIRE_MESSAGE(parsed, text);
    return *parsed;
}

bool refused(std::string_view text) {
    return !model::parse_csv_record(text).has_value();
}

} // namespace

TEST_SUITE("model::parse_csv_record") {
    TEST_CASE("reads one record as Go's encoding/csv does") {
        SUBCASE("plain fields keep their spaces and empties") {
            CHECK(fields_of("web,api") == Fields{"web", "api"});
            CHECK(fields_of("a, b") == Fields{"a", " b"});
            CHECK(fields_of("a,,b") == Fields{"a", "", "b"});
            CHECK(fields_of("a,") == Fields{"a", ""});
            CHECK(fields_of(",") == Fields{"", ""});
            CHECK(fields_of(" ") == Fields{" "});
        }
        SUBCASE("an empty value is no field at all, as pflag reads it") {
            CHECK(fields_of("") == Fields{});
        }
        SUBCASE("quotes group commas and escape themselves") {
            CHECK(fields_of(R"("x,y",z)") == Fields{"x,y", "z"});
            CHECK(fields_of(R"("say ""hi""")") == Fields{R"(say "hi")"});
            CHECK(fields_of(R"("",a)") == Fields{"", "a"});
            CHECK(fields_of(R"(a,"")") == Fields{"a", ""});
        }
        SUBCASE("only the first record counts; empty lines before it are skipped") {
            CHECK(fields_of("a,b\nc") == Fields{"a", "b"});
            CHECK(fields_of("\n\r\na") == Fields{"a"});
            CHECK(fields_of("a\r\n") == Fields{"a"});
            CHECK(fields_of("a\r") == Fields{"a"});
            CHECK(fields_of("a\rb") == Fields{"a\rb"});
        }
        SUBCASE("a quoted field may span lines, \\r\\n read as \\n") {
            CHECK(fields_of("\"a\r\nb\",c") == Fields{"a\nb", "c"});
            CHECK(fields_of("\"a\n\",c\nd") == Fields{"a\n", "c"});
        }
    }

    TEST_CASE("refuses what encoding/csv refuses") {
        CHECK(refused("a\"b"));
        CHECK(refused(" \"a\""));
        CHECK(refused("\"a\"b"));
        CHECK(refused("\"a"));
        CHECK(refused("\"a\nb"));
        CHECK(refused("\n"));
        CHECK(refused("\r\n\n"));
        CHECK(refused("\"a\" ,b"));
    }
}

TEST_SUITE("model::parse_csv_record line ends") {
    TEST_CASE("a quoted field's CR LF reads as LF, as encoding/csv reads it (found by fuzzing)") {
        const auto fields = model::parse_csv_record("\r\n\"a\r\r\nb\",c").value();
        REQUIRE(fields.size() == 2);
        CHECK(fields[0] == "a\r\nb");
        CHECK(fields[1] == "c");
        CHECK(model::parse_csv_record("\"a\r\nb\"").value() == std::vector<std::string>{"a\nb"});
    }
}
