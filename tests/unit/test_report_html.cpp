#include "report/html.hpp"
#include "report_sample.hpp"

#include <doctest/doctest.h>
#include <regex>

TEST_SUITE("report::render_html") {
    TEST_CASE("one page with the figures and the four charts") {
        const auto html = report::render_html(test_support::sample_report());
        CHECK(html.rfind("<!DOCTYPE html>", 0) == 0);
        CHECK(html.find("<th scope=\"row\">shop</th>") != std::string::npos);
        CHECK(html.find("<th scope=\"row\">all systems</th>") != std::string::npos);
        CHECK(html.find("50.0%<span class=\"band band-low\">low</span>") != std::string::npos);
        for (const char* chart :
             {"Deployments per week", "Lead time per deployment", "Incidents and their durations",
              "Change failure rate per month"}) {
            CHECK_MESSAGE(
                html.find("aria-label=\"" + std::string(chart) + "\"") != std::string::npos, chart);
        }
        CHECK(html.find("v1.1.0 &lt;beta&gt;") != std::string::npos);
        CHECK(html.find("v1.1.0 <beta>") == std::string::npos);
        CHECK(html.find("@media print") != std::string::npos);
    }

    TEST_CASE("fetches nothing: no script, no link, no source, no URL") {
        const auto html = report::render_html(test_support::sample_report());
        CHECK_FALSE(std::regex_search(
            html, std::regex("<script|<link|<img|<iframe|src=|href=|url\\(|https?:|@import",
                             std::regex::icase)));
    }

    TEST_CASE("without incidents the charts say so") {
        const auto html = report::render_html(test_support::sample_report(false));
        CHECK(html.find("aria-label=\"Incidents and their durations\"") == std::string::npos);
        CHECK(html.find("no incidents recorded") != std::string::npos);
    }
}
