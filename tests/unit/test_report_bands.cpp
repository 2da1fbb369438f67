#include "report/bands.hpp"

#include <doctest/doctest.h>

using report::Band;

TEST_SUITE("report::bands") {
    TEST_CASE("deployment frequency: daily, monthly, every six months") {
        CHECK(report::deployment_frequency_band(3) == Band::elite);
        CHECK(report::deployment_frequency_band(1) == Band::elite);
        CHECK(report::deployment_frequency_band(0.99) == Band::high);
        CHECK(report::deployment_frequency_band(1.0 / 30) == Band::high);
        CHECK(report::deployment_frequency_band(1.0 / 31) == Band::medium);
        CHECK(report::deployment_frequency_band(1.0 / 180) == Band::medium);
        CHECK(report::deployment_frequency_band(1.0 / 181) == Band::low);
        CHECK(report::deployment_frequency_band(0) == Band::low);
    }

    TEST_CASE("lead time: an hour, a week, six months") {
        CHECK(report::lead_time_band(3599) == Band::elite);
        CHECK(report::lead_time_band(3600) == Band::high);
        CHECK(report::lead_time_band(7 * 86400) == Band::high);
        CHECK(report::lead_time_band(7 * 86400 + 1) == Band::medium);
        CHECK(report::lead_time_band(180 * 86400) == Band::medium);
        CHECK(report::lead_time_band(180 * 86400 + 1) == Band::low);
    }

    TEST_CASE("change failure rate: 15% and 30%") {
        CHECK(report::failure_rate_band(0) == Band::elite);
        CHECK(report::failure_rate_band(0.15) == Band::elite);
        CHECK(report::failure_rate_band(0.16) == Band::high);
        CHECK(report::failure_rate_band(0.30) == Band::high);
        CHECK(report::failure_rate_band(0.31) == Band::low);
    }

    TEST_CASE("time to restore: an hour, a day, a week") {
        CHECK(report::restore_band(3599) == Band::elite);
        CHECK(report::restore_band(86399) == Band::high);
        CHECK(report::restore_band(86400) == Band::medium);
        CHECK(report::restore_band(7 * 86400) == Band::medium);
        CHECK(report::restore_band(7 * 86400 + 1) == Band::low);
    }

    TEST_CASE("names") {
        CHECK(report::band_name(Band::elite) == "elite");
        CHECK(report::band_name(Band::low) == "low");
        CHECK(report::k_bands_year == 2021);
    }
}
