#include "model/event.hpp"
#include "model/json_text.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>
#include <random>

namespace {

// What nlohmann::json writes for a string: the reference we must equal.
std::string reference(const std::string& text) {
    return nlohmann::json(text).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string quote(const std::string& text) {
    std::string out;
    model::append_json_string(out, text);
    return out;
}

} // namespace

TEST_SUITE("model::json_text") {
    TEST_CASE("escapes quotes, backslashes and control characters like nlohmann") {
        for (const std::string& text : std::vector<std::string>{
                 "", "plain", "quote \" and \\ backslash", "tab\tnew\nline\rform\fback\b",
                 std::string("nul\0byte", 8), "\x01\x1f\x7f", "v1.0.0+build.7",
                 "r\xC3\xA9sum\xC3\xA9-\xE2\x82\xAC-\xF0\x9F\x9A\x80"}) {
            CHECK(quote(text) == reference(text));
        }
    }

    TEST_CASE("replaces invalid UTF-8 exactly as nlohmann's replace handler does") {
        for (const std::string& text : std::vector<std::string>{
                 "\xFF", "a\x80z", "\xC3", "\xE2\x82", "\xE2\x82z", "\xE0\x80\x80", "\xED\xA0\x80",
                 "\xF0\x80\x80\x80", "\xF4\x90\x80\x80", "\xF0\x9F\x9A", "\xC0\xAF", "ok\xF5x"}) {
            CHECK(quote(text) == reference(text));
        }
    }

    TEST_CASE("random byte strings come out as nlohmann writes them") {
        std::mt19937 rng(42);
        std::uniform_int_distribution<int> length(0, 12);
        std::uniform_int_distribution<int> byte(0, 255);
        for (int round = 0; round < 20000; ++round) {
            std::string text(static_cast<std::size_t>(length(rng)), '\0');
            for (auto& c : text) {
                c = static_cast<char>(byte(rng));
            }
            REQUIRE(quote(text) == reference(text));
        }
    }

    TEST_CASE("bodies equal nlohmann's ordered dump of the same fields") {
        const model::Deployment d{"v\xC3\xA9\"1", 1602848432, {"a", "b"}, {"web", "\n"}, "git"};
        const nlohmann::ordered_json expected = {
            {"source", "git"},      {"deploy_id", d.id}, {"time_created", "2020-10-16T11:40:32Z"},
            {"changes", d.changes}, {"teams", d.teams},  {"$type", "deployment"}};
        CHECK(model::to_json(d) == expected.dump());
    }
}
