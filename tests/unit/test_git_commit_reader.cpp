#include "git/commit_reader.hpp"

#include <doctest/doctest.h>
#include <string>

TEST_SUITE("git::parse_tag_target") {
    TEST_CASE("a tag's target is the id on its first line, and nothing else is one") {
        const std::string id = "1f0c5e2a9b3d4c5e6f708192a3b4c5d6e7f80912";
        const auto tag = "object " + id + "\ntype commit\ntag v1\ntagger T <t> 1 +0000\n\nm\n";
        const auto target = git::parse_tag_target(tag);
        REQUIRE(target.has_value());
        CHECK(git::to_hex(*target) == id);
        for (const std::string& raw :
             {std::string("type commit\nobject ") + id + "\n", "object " + id.substr(0, 39) + "\n",
              "object " + id + "0\n", "object " + id.substr(0, 39) + "g\n", std::string("object "),
              std::string()}) {
            CAPTURE(raw);
            CHECK_FALSE(git::parse_tag_target(raw).has_value());
        }
        CHECK(git::parse_tag_target("object " + id).has_value());
    }
}
