#include "report/series.hpp"

#include <doctest/doctest.h>

namespace {

// 2024-01-15T00:00:00Z.
constexpr model::UnixSeconds k_mid_january = 1705276800;
constexpr model::UnixSeconds k_day = 86400;

report::DeploymentRow at(model::UnixSeconds time, std::size_t incidents = 0) {
    return {"a", "d", time, 0, std::nullopt, incidents};
}

} // namespace

TEST_SUITE("report::series") {
    TEST_CASE("weeks run from the window's start; the last one is cut by its end") {
        const report::Window window{k_mid_january, k_mid_january + 10 * k_day};
        const auto weeks = report::weekly(
            {at(k_mid_january), at(k_mid_january + 7 * k_day - 1), at(k_mid_january + 7 * k_day)},
            window);
        REQUIRE(weeks.size() == 2);
        CHECK(weeks[0].deployments == 2);
        CHECK(weeks[1].deployments == 1);
        CHECK(weeks[1].to == window.until);
    }

    TEST_CASE("months are calendar months, cut by the window") {
        const report::Window window{k_mid_january, k_mid_january + 40 * k_day};
        const auto months = report::monthly(
            {at(k_mid_january, 1), at(k_mid_january + k_day), at(k_mid_january + 20 * k_day, 2)},
            window);
        REQUIRE(months.size() == 2);
        CHECK(months[0].from == k_mid_january);
        CHECK(months[0].to == 1706745600); // 2024-02-01
        CHECK(months[0].deployments == 2);
        CHECK(months[0].failed_deployments == 1);
        CHECK(months[1].deployments == 1);
        CHECK(months[1].failed_deployments == 1);
    }

    TEST_CASE("month_start and next_month, across a leap February and a year") {
        CHECK(report::month_start(1709164800) == 1706745600); // 2024-02-29 -> 02-01
        CHECK(report::next_month(1706745600) == 1709251200);  // -> 2024-03-01
        CHECK(report::next_month(1703980800) == 1704067200);  // 2023-12-31 -> 2024-01-01
    }
}
