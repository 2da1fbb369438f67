#include "report/svg_chart.hpp"

#include <doctest/doctest.h>

TEST_SUITE("report::SvgChart") {
    TEST_CASE("draws shapes with titles inside the view box, months on the time axis") {
        const report::Window window{1704067200, 1704067200 + 60 * 86400};
        report::SvgChart chart(window, 0, 10);
        chart.bar(window.since, window.since + 7 * 86400, 10, "week <1>");
        chart.dot(window.until, 0, "end");
        const auto svg = chart.svg("a & b");
        CHECK(svg.rfind("<svg viewBox=\"0 0 800.0 240.0\"", 0) == 0);
        CHECK(svg.find("aria-label=\"a &amp; b\"") != std::string::npos);
        CHECK(svg.find("<title>week &lt;1&gt;</title></rect>") != std::string::npos);
        // A full-height bar from the top margin to the axis at the left edge.
        CHECK(svg.find("x=\"65.0\" y=\"12.0\"") != std::string::npos);
        CHECK(svg.find("cx=\"728.0\" cy=\"212.0\"") != std::string::npos);
        CHECK(svg.find(">2024-02</text>") != std::string::npos);
        CHECK(svg.find("http") == std::string::npos);
    }

    TEST_CASE("linear ticks are round and reach the highest value") {
        const auto ticks = report::linear_ticks(7);
        REQUIRE(ticks.size() == 5);
        CHECK(ticks.back().first == doctest::Approx(8));
        CHECK(ticks[1].second == "2");
        CHECK(report::linear_ticks(0).back().first >= 1);
        CHECK(report::linear_ticks(11).back().first >= 11);
    }

    TEST_CASE("duration ticks are the round durations in range") {
        const auto ticks = report::duration_ticks(100, 10 * 86400);
        REQUIRE(ticks.size() == 3);
        CHECK(ticks[0].second == "1 h");
        CHECK(ticks[2].second == "1 w");
    }

    TEST_CASE("escaped") {
        CHECK(report::escaped("<a href='x'>&\"") == "&lt;a href=&#39;x&#39;&gt;&amp;&quot;");
    }
}
