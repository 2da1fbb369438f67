#include "model/error.hpp"
#include "util/expected.hpp"

#include <doctest/doctest.h>
#include <memory>
#include <string>
#include <vector>

namespace {

// The calls made, in order, so a test sees what ran and how often.
std::vector<std::string> g_calls;

model::Expected<int> number(int value, bool ok) {
    g_calls.push_back("number " + std::to_string(value));
    if (!ok) {
        return model::fail("no number " + std::to_string(value));
    }
    return value;
}

model::Expected<void> step(const std::string& name, bool ok) {
    g_calls.push_back("step " + name);
    if (!ok) {
        return model::fail("step " + name + " failed");
    }
    return {};
}

util::Expected<std::string> text(bool ok) {
    g_calls.push_back("text");
    if (!ok) {
        return util::fail("no text");
    }
    return std::string("text");
}

model::Expected<std::string> checked_number(bool ok) {
    TRY(number(7, ok));
    return std::string("after");
}

model::Expected<std::string> two_steps(bool first_ok, bool second_ok) {
    TRY(step("one", first_ok));
    TRY(step("two", second_ok));
    return std::string("both");
}

model::Expected<std::size_t> text_length(bool ok) {
    TRY(text(ok));
    return std::size_t{4};
}

model::Expected<int> sum(bool first_ok, bool second_ok) {
    TRY_ASSIGN(const auto first, number(1, first_ok));
    TRY_ASSIGN(auto second, number(2, second_ok));
    return first + second;
}

model::Expected<int> assigned(int& target, bool ok) {
    TRY_ASSIGN(target, number(5, ok));
    return target * 10;
}

model::Expected<std::string> assigned_text(bool ok) {
    TRY_ASSIGN(auto value, text(ok));
    return value + "!";
}

model::Expected<int> owned(model::Expected<std::unique_ptr<int>> made) {
    TRY_ASSIGN(auto pointer, std::move(made));
    return *pointer;
}

// Check an lvalue holding a move-only value: TRY neither copies nor moves it.
model::Expected<int> peeked(const model::Expected<std::unique_ptr<int>>& made) {
    TRY(made);
    return **made;
}

} // namespace

TEST_SUITE("model::error") {
    TEST_CASE("TRY returns a value expected's error unchanged and goes on when it holds a value") {
        g_calls.clear();
        const auto failed = checked_number(false);
        REQUIRE_FALSE(failed.has_value());
        CHECK(failed.error().message == "no number 7");
        CHECK(checked_number(true).value() == "after");
        CHECK(g_calls == std::vector<std::string>{"number 7", "number 7"});
    }

    TEST_CASE("TRY on void expecteds stops at the first error") {
        g_calls.clear();
        SUBCASE("both hold a value") {
            CHECK(two_steps(true, true).value() == "both");
            CHECK(g_calls == std::vector<std::string>{"step one", "step two"});
        }
        SUBCASE("the first fails and the second never runs") {
            const auto result = two_steps(false, false);
            REQUIRE_FALSE(result.has_value());
            CHECK(result.error().message == "step one failed");
            CHECK(g_calls == std::vector<std::string>{"step one"});
        }
        SUBCASE("the second fails") {
            const auto result = two_steps(true, false);
            REQUIRE_FALSE(result.has_value());
            CHECK(result.error().message == "step two failed");
            CHECK(g_calls == std::vector<std::string>{"step one", "step two"});
        }
    }

    TEST_CASE("TRY turns a util message into a model::Error with the same text") {
        g_calls.clear();
        const auto failed = text_length(false);
        REQUIRE_FALSE(failed.has_value());
        CHECK(failed.error().message == "no text");
        CHECK(text_length(true).value() == 4);
        CHECK(g_calls == std::vector<std::string>{"text", "text"});
    }

    TEST_CASE("TRY_ASSIGN declares the value or returns the error, evaluating once") {
        g_calls.clear();
        SUBCASE("the happy path yields the values") {
            CHECK(sum(true, true).value() == 3);
            CHECK(g_calls == std::vector<std::string>{"number 1", "number 2"});
        }
        SUBCASE("the first error wins and stops the function") {
            const auto result = sum(false, false);
            REQUIRE_FALSE(result.has_value());
            CHECK(result.error().message == "no number 1");
            CHECK(g_calls == std::vector<std::string>{"number 1"});
        }
        SUBCASE("a later error passes through unchanged") {
            const auto result = sum(true, false);
            REQUIRE_FALSE(result.has_value());
            CHECK(result.error().message == "no number 2");
        }
        SUBCASE("a util message converts") {
            CHECK(assigned_text(true).value() == "text!");
            const auto result = assigned_text(false);
            REQUIRE_FALSE(result.has_value());
            CHECK(result.error().message == "no text");
        }
    }

    TEST_CASE("TRY_ASSIGN assigns to an existing variable only on success") {
        g_calls.clear();
        int target = -1;
        const auto failed = assigned(target, false);
        REQUIRE_FALSE(failed.has_value());
        CHECK(failed.error().message == "no number 5");
        CHECK(target == -1);
        CHECK(assigned(target, true).value() == 50);
        CHECK(target == 5);
        CHECK(g_calls == std::vector<std::string>{"number 5", "number 5"});
    }

    TEST_CASE("TRY and TRY_ASSIGN work with move-only values") {
        CHECK(owned(std::make_unique<int>(42)).value() == 42);
        const auto failed = owned(model::fail("nothing made"));
        REQUIRE_FALSE(failed.has_value());
        CHECK(failed.error().message == "nothing made");

        const model::Expected<std::unique_ptr<int>> made = std::make_unique<int>(9);
        CHECK(peeked(made).value() == 9);
        REQUIRE(made.has_value());
        CHECK(**made == 9);
        const model::Expected<std::unique_ptr<int>> missing = model::fail("missing");
        CHECK(peeked(missing).error().message == "missing");
        CHECK(missing.error().message == "missing");
    }
}
