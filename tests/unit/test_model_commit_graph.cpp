#include "model/commit_graph.hpp"

#include <doctest/doctest.h>
#include <stdexcept>
#include <string>

namespace {

// A 40-digit id whose bytes are all `byte`, but for the last one.
std::string hex_id(int byte, int last) {
    model::RawId raw{};
    raw.fill(static_cast<unsigned char>(byte));
    raw.back() = static_cast<unsigned char>(last);
    std::string hex;
    model::append_hex(raw, hex);
    return hex;
}

} // namespace

TEST_SUITE("model::CommitGraph") {
    TEST_CASE("binary ids read back as lowercase hex, and are found by their hex") {
        model::CommitGraph graph;
        const int count = 3000;
        for (int i = 0; i < count; ++i) {
            // Ids sharing their first eight bytes: every lookup probes past collisions.
            auto raw = *model::parse_raw_id(hex_id(i % 7, i % 256));
            raw[18] = static_cast<unsigned char>(i / 256);
            model::Commit commit;
            commit.committer_time = 1000 + i;
            graph.add(raw, commit);
            if (i > 0) {
                graph.add_parent(static_cast<std::uint32_t>(i - 1));
            }
            if (i > 1) {
                graph.add_parent(static_cast<std::uint32_t>(i - 2));
            }
        }
        REQUIRE(graph.size() == count);
        for (std::uint32_t i = 0; i < graph.size(); ++i) {
            const auto id = graph.id(i);
            CHECK(id.size() == 40);
            CHECK(graph.at(id) == i);
            CHECK(graph.commits[i].committer_time == 1000 + i);
            CHECK(graph.parents(i).size() == std::min<std::uint32_t>(i, 2));
        }
        CHECK(graph.parents(5)[0] == 4);
        CHECK(graph.parents(5)[1] == 3);
        auto upper = graph.id(10);
        for (auto& c : upper) {
            c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        }
        CHECK(graph.find(upper) == 10u);
        CHECK_FALSE(graph.contains(hex_id(9, 9)));
        CHECK_FALSE(graph.contains("not an id"));
        CHECK_FALSE(graph.contains(graph.id(3).substr(0, 39)));
        CHECK_THROWS_AS(graph.at(hex_id(9, 9)), std::out_of_range);
    }

    TEST_CASE("textual ids (in-memory histories) are kept and found as they are") {
        model::CommitGraph graph;
        graph.add("b", {});
        graph.add("a", {});
        graph.add_parent(0);
        CHECK(graph.id(0) == "b");
        CHECK(graph.at("a") == 1);
        CHECK(graph.parents(1).size() == 1);
        CHECK(graph.parents(0).empty());
        CHECK_FALSE(graph.contains("c"));
        CHECK_FALSE(model::CommitGraph{}.contains("a"));
    }

    TEST_CASE("hex parsing") {
        CHECK(model::parse_raw_id(std::string(40, 'f')).has_value());
        CHECK_FALSE(model::parse_raw_id(std::string(40, 'g')).has_value());
        CHECK_FALSE(model::parse_raw_id(std::string(41, 'a')).has_value());
        std::string out;
        model::append_hex(*model::parse_raw_id("0123456789abcdefABCDEF0123456789abcdef01"), out);
        CHECK(out == "0123456789abcdefabcdef0123456789abcdef01");
    }
}
