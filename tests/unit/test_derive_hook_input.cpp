#include "derive/hook_input.hpp"

#include <doctest/doctest.h>

namespace {

const std::string k_zero(40, '0');
const std::string k_a = "3f2c1b9a8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a";
const std::string k_b = "9ab1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9";

} // namespace

TEST_SUITE("hook::hook_input") {
    TEST_CASE("post-receive lines become updates; the zero id is empty") {
        const auto input = k_zero + " " + k_a + " refs/heads/main\n" + k_a + " " + k_b +
                           " refs/tags/v1.0.0\r\n\n" + k_b + " " + k_zero + " refs/heads/old";
        const auto updates = derive::parse_post_receive(input).value();
        REQUIRE(updates.size() == 3);
        CHECK(updates[0].name == "refs/heads/main");
        CHECK(updates[0].old_id.empty());
        CHECK(updates[0].new_id == k_a);
        CHECK(updates[1].old_id == k_a);
        CHECK(updates[1].new_id == k_b);
        CHECK(updates[2].new_id.empty());
    }

    TEST_CASE("SHA-256 ids are ids too") {
        const std::string sha256(64, 'e');
        const auto updates =
            derive::parse_post_receive(std::string(64, '0') + " " + sha256 + " refs/heads/x\n");
        REQUIRE(updates.has_value());
        CHECK(updates->at(0).new_id == sha256);
        CHECK(updates->at(0).old_id.empty());
    }

    TEST_CASE("anything else is an error naming the line") {
        SUBCASE("short id") {
            const auto parsed = derive::parse_post_receive(k_a + " abc refs/heads/x\n");
            REQUIRE_FALSE(parsed.has_value());
            CHECK(parsed.error().message.find("line 1") != std::string::npos);
        }
        SUBCASE("missing ref") {
            const auto parsed = derive::parse_post_receive("\n" + k_a + " " + k_b + "\n");
            REQUIRE_FALSE(parsed.has_value());
            CHECK(parsed.error().message.find("line 2") != std::string::npos);
        }
        SUBCASE("upper case hex") {
            std::string upper = k_a;
            upper[0] = 'F';
            CHECK_FALSE(
                derive::parse_post_receive(upper + " " + k_b + " refs/heads/x").has_value());
        }
    }

    TEST_CASE("empty input is no update") {
        CHECK(derive::parse_post_receive("").value().empty());
        CHECK(derive::parse_pre_push("\n").value().empty());
    }

    TEST_CASE("pre-push lines, with deletions and new remote refs") {
        const auto input = "refs/heads/main " + k_a + " refs/heads/main " + k_b + "\n" +
                           "(delete) " + k_zero + " refs/heads/gone " + k_a + "\n" +
                           "refs/heads/new " + k_b + " refs/heads/new " + k_zero + "\n";
        const auto pushed = derive::parse_pre_push(input).value();
        REQUIRE(pushed.size() == 3);
        CHECK(pushed[0].local_ref == "refs/heads/main");
        CHECK(pushed[0].remote_id == k_b);
        CHECK(pushed[1].local_ref == "(delete)");
        CHECK(pushed[1].local_id.empty());
        CHECK(pushed[2].remote_id.empty());
        CHECK_FALSE(
            derive::parse_pre_push("refs/heads/main " + k_a + " refs/heads/main").has_value());
    }

    TEST_CASE("only branches and tags can make events") {
        const std::vector<derive::RefUpdate> all = {
            {"refs/heads/main", "", "a"},
            {"refs/tags/v1", "", "a"},
            {"refs/notes/commits", "", "a"},
            {"refs/changes/01/1/1", "", "a"},
            {"refs/merge-requests/1/head", "", "a"},
            {"refs/keep-around/a", "", "a"},
            {"refs/pull/1/head", "", "a"},
            {"HEAD", "", "a"},
        };
        const auto kept = derive::branch_and_tag_updates(all);
        REQUIRE(kept.size() == 2);
        CHECK(kept[0].name == "refs/heads/main");
        CHECK(kept[1].name == "refs/tags/v1");
    }
}

TEST_SUITE("derive::branch_and_tag_lines") {
    TEST_CASE("only branch and tag lines are kept, as written, after the same checks") {
        const std::string zero(40, '0');
        const std::string a(40, 'a');
        const std::string input = zero + " " + a + " refs/heads/main\r\n" + a + " " + zero +
                                  " refs/pull/1/head\n\n" + zero + " " + a + " refs/tags/v1\n";
        std::string storage;
        const auto kept = derive::branch_and_tag_lines(input, storage);
        REQUIRE(kept.has_value());
        CHECK(*kept == zero + " " + a + " refs/heads/main\n" + zero + " " + a + " refs/tags/v1\n");
        const auto parsed = derive::parse_post_receive(*kept).value();
        CHECK(parsed.size() == 2);
        CHECK(parsed[0].old_id.empty());
        CHECK(parsed[1].name == "refs/tags/v1");
        const auto bad = derive::branch_and_tag_lines(a + " " + a + "\n", storage);
        REQUIRE_FALSE(bad.has_value());
        CHECK(bad.error().message ==
              derive::parse_post_receive(a + " " + a + "\n").error().message);
    }

    TEST_CASE("input as git writes it is returned in place, not copied") {
        const std::string zero(40, '0');
        const std::string a(40, 'a');
        const std::string lines =
            zero + " " + a + " refs/heads/main\n" + a + " " + zero + " refs/tags/v1\n";
        std::string storage;
        for (const auto& input : {lines, lines + "\n\r\n"}) {
            const auto kept = derive::branch_and_tag_lines(input, storage).value();
            CHECK(kept == lines);
            CHECK(kept.data() == input.data());
            CHECK(storage.empty());
        }
        // Anything else is copied: a blank line between, a CR, a last line
        // without its end, a line that is not a branch or tag.
        for (const auto& input :
             {zero + " " + a + " refs/heads/main\n\n" + a + " " + zero + " refs/tags/v1\n",
              zero + " " + a + " refs/heads/main\r\n" + a + " " + zero + " refs/tags/v1",
              zero + " " + a + " refs/notes/x\n" + lines}) {
            storage.clear();
            const auto kept = derive::branch_and_tag_lines(input, storage).value();
            CHECK(kept == lines);
            CHECK(kept.data() == storage.data());
        }
    }
}
