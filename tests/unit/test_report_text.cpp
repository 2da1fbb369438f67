#include "report/text.hpp"
#include "report_sample.hpp"

#include <doctest/doctest.h>
#include <sstream>

TEST_SUITE("report::render_text") {
    TEST_CASE("a table per system, then the total, each key with band and counts") {
        const auto text = report::render_text(test_support::sample_report());
        CHECK(text.rfind("The four keys from 2024-01-01 to 2024-01-29 (excluded), 28.0 days\n"
                         "Bands: Accelerate State of DevOps report 2021\n",
                         0) == 0);
        CHECK(text.find("\nshop\n  deployment frequency  0.07 a day, 0.5 a week") !=
              std::string::npos);
        CHECK(text.find("high    2 deployments\n") != std::string::npos);
        CHECK(text.find("  lead time, median     5.0 d") != std::string::npos);
        CHECK(text.find("    skipped             1 listed change with no change event\n") !=
              std::string::npos);
        CHECK(text.find("  change failure rate   50.0%") != std::string::npos);
        CHECK(text.find("1 of 2 deployments") != std::string::npos);
        CHECK(text.find("  time to restore       mean 1.5 h, median 1.5 h") != std::string::npos);
        CHECK(text.find("  slowest deployments   v1.1.0 <beta>") != std::string::npos);
        CHECK(text.find("\nall systems\n") != std::string::npos);
    }

    TEST_CASE("no incident is said, never 0%") {
        const auto text = report::render_text(test_support::sample_report(false));
        CHECK(text.find("  change failure rate   no incidents recorded\n") != std::string::npos);
        CHECK(text.find("  time to restore       no incidents recorded\n") != std::string::npos);
        CHECK(text.find("0.0%") == std::string::npos);
    }

    TEST_CASE("fits 80 columns") {
        std::istringstream lines(report::render_text(test_support::sample_report()));
        for (std::string line; std::getline(lines, line);) {
            CHECK_MESSAGE(line.size() <= 80, line);
        }
    }

    TEST_CASE("window edges read as dates at midnight, else as RFC 3339") {
        CHECK(report::edge_text(1704067200) == "2024-01-01");
        CHECK(report::edge_text(1704067201) == "2024-01-01T00:00:01Z");
    }
}
