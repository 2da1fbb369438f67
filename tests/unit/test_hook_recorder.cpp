#include "pipeline/recorder.hpp"

#include <doctest/doctest.h>

TEST_SUITE("hook::recorder") {
    TEST_CASE("the summary line counts what was queued") {
        CHECK(pipeline::summary_line({3, 1, 0, ""}, {}, "") ==
              "pulse-agent: queued 3 changes, 1 deployment");
        CHECK(pipeline::summary_line({1, 2, 5, ""}, {}, "ada") ==
              "pulse-agent: queued 1 change, 2 deployments (push by ada)");
    }

    TEST_CASE("incidents are counted when there are some") {
        CHECK(pipeline::summary_line({0, 1, 0, "", 2}, {}, "") ==
              "pulse-agent: queued 0 changes, 1 deployment, 2 incidents");
        CHECK(pipeline::summary_line({0, 0, 0, "", 1}, {}, "") ==
              "pulse-agent: queued 0 changes, 0 deployments, 1 incident");
    }

    TEST_CASE("nothing new and nothing to note is no line") {
        CHECK_FALSE(pipeline::summary_line({0, 0, 7, ""}, {}, "ada").has_value());
    }

    TEST_CASE("notes and a delivery problem join the one line") {
        const auto line = pipeline::summary_line({0, 0, 0, "no fork"}, {"tag 'v1' moved"}, "");
        REQUIRE(line.has_value());
        CHECK(line->find('\n') == std::string::npos);
        CHECK(*line == "pulse-agent: queued 0 changes, 0 deployments; tag 'v1' moved; no fork; "
                       "the daemon or `pulse-agent flush` will deliver");
    }
}
