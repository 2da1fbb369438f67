#include "report/wording.hpp"

#include <doctest/doctest.h>

TEST_SUITE("report::wording") {
    TEST_CASE("durations in the largest unit above one") {
        CHECK(report::duration_text(45) == "45 s");
        CHECK(report::duration_text(720) == "12 min");
        CHECK(report::duration_text(3.5 * 3600) == "3.5 h");
        CHECK(report::duration_text(81000) == "22.5 h");
        CHECK(report::duration_text(2.4 * 86400) == "2.4 d");
    }

    TEST_CASE("percentages, dates, counts") {
        CHECK(report::percent_text(2.0 / 3) == "66.7%");
        CHECK(report::date_text(1704067200) == "2024-01-01");
        CHECK(report::counted(1, "change") == "1 change");
        CHECK(report::counted(0, "change") == "0 changes");
    }
}
