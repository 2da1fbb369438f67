#include "spool/record.hpp"

#include <algorithm>
#include <doctest/doctest.h>
#include <string>

namespace {

// A push of shop.git by ada, with these updates.
spool::PushRecord shop_push(std::string updates) {
    return {.git_dir = "/srv/git/shop.git",
            .updates = std::move(updates),
            .pushed_at = 1700000000,
            .pusher = "ada",
            .changes = {},
            .system = "",
            .environment = ""};
}

} // namespace

TEST_SUITE("spool::record") {
    TEST_CASE("a record reads back as it was written") {
        const auto record = shop_push("a b refs/heads/main\nc d refs/tags/v1\n");
        const auto bytes = spool::encode(record);
        CHECK(bytes.ends_with("\n"));
        const auto back = spool::decode(bytes);
        REQUIRE(back.has_value());
        CHECK(back->git_dir == record.git_dir);
        CHECK(back->updates == record.updates);
        CHECK(back->pushed_at == record.pushed_at);
        CHECK(back->pusher == record.pusher);
    }

    TEST_CASE("a huge push is written in pieces of about a megabyte, the same bytes") {
        spool::PushRecord record{.git_dir = "/srv/git/shop.git",
                                 .updates = "",
                                 .pushed_at = 1700000000,
                                 .pusher = "ada",
                                 .changes = {{"c1", 5}},
                                 .system = "shop",
                                 .environment = "prod"};
        std::string updates;
        for (int i = 0; updates.size() < (std::size_t{3} << 20); ++i) {
            updates += std::string(40, '0') + " " + std::string(40, 'a') + " refs/heads/t\xc3\xa9" +
                       std::to_string(i) + "\n";
        }
        std::string streamed;
        std::size_t pieces = 0;
        std::size_t largest = 0;
        spool::encode(record, updates, [&](std::string_view piece) {
            streamed.append(piece);
            ++pieces;
            largest = std::max(largest, piece.size());
        });
        record.updates = updates;
        CHECK(streamed == spool::encode(record));
        CHECK(pieces >= 3);
        CHECK(largest < (std::size_t{1} << 20) + (std::size_t{1} << 20) / 8);
        const auto back = spool::decode(streamed);
        REQUIRE(back.has_value());
        CHECK(back->updates == updates);
    }

    TEST_CASE("a record fits when decode would take it, counted exactly near the limit") {
        const auto record = shop_push("");
        CHECK(spool::fits(record, std::string(1000, 'a')));
        // 20 MB of plain text fits although six times it would not; a
        // control byte is six bytes written, so 12 MB of them do not.
        CHECK(spool::fits(record, std::string(20 << 20, 'a')));
        CHECK_FALSE(spool::fits(record, std::string(12 << 20, '\x01')));
        CHECK_FALSE(spool::fits(record, std::string(spool::k_max_record_bytes, 'a')));
    }

    TEST_CASE("a pusher's name that is not UTF-8 does not cost the record") {
        const spool::PushRecord record{.git_dir = "/srv/a.git",
                                       .updates = "",
                                       .pushed_at = 1,
                                       .pusher = "b\xff",
                                       .changes = {},
                                       .system = "",
                                       .environment = ""};
        const auto back = spool::decode(spool::encode(record));
        REQUIRE(back.has_value());
        CHECK(back->git_dir == "/srv/a.git");
        CHECK(back->pusher != record.pusher);
    }

    TEST_CASE("bytes that are not a record say what is wrong") {
        const auto error = [](std::string_view bytes) {
            const auto result = spool::decode(bytes);
            REQUIRE_FALSE(result.has_value());
            return result.error().message;
        };
        CHECK(error("not json") == "it is not JSON");
        CHECK(error("[1]") == "it is not a JSON object");
        CHECK(error(R"({"format":2})") == "its format is not 1");
        CHECK(error(R"({"format":1,"git_dir":7})") == "its 'git_dir' is missing or not a string");
        CHECK(error(R"({"format":1,"git_dir":"/a","updates":"","pusher":""})") ==
              "its 'pushed_at' is missing or not a whole number");
        CHECK(error(R"({"format":1,"git_dir":"a.git","updates":"","pusher":"","pushed_at":1})") ==
              "its repository is not an absolute path");
    }
}

TEST_SUITE("spool::record changes") {
    TEST_CASE("pre-push's changes read back with their system and environment") {
        spool::PushRecord record;
        record.git_dir = "/home/ada/shop";
        record.pushed_at = 1700000000;
        record.changes = {{"abc", 1700000001}, {"def", 1700000002}};
        record.system = "shop";
        record.environment = "git-pre-push";
        const auto back = spool::decode(spool::encode(record));
        REQUIRE(back.has_value());
        REQUIRE(back->changes.size() == 2);
        CHECK(back->changes[1].id == "def");
        CHECK(back->changes[1].time == 1700000002);
        CHECK(back->system == "shop");
        CHECK(back->environment == "git-pre-push");
    }

    TEST_CASE("a change without an id or a time is refused") {
        const auto result =
            spool::decode(R"({"format":1,"git_dir":"/a","updates":"","pusher":"","pushed_at":1,)"
                          R"("changes":[{"id":"x"}],"system":"s","environment":"e"})");
        REQUIRE_FALSE(result.has_value());
        CHECK(result.error().message == "a change in it lacks an 'id' string or a whole 'time'");
    }
}
