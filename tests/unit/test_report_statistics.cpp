#include "report/statistics.hpp"

#include <doctest/doctest.h>
#include <vector>

TEST_SUITE("report::statistics") {
    TEST_CASE("quantile interpolates between the nearest ranks") {
        const std::vector<double> odd = {1, 2, 10};
        CHECK(report::quantile(odd, 0.5) == doctest::Approx(2));
        CHECK(report::quantile(odd, 0.25) == doctest::Approx(1.5));
        CHECK(report::quantile(odd, 0.9) == doctest::Approx(8.4));
        CHECK(report::quantile(odd, 0) == doctest::Approx(1));
        CHECK(report::quantile(odd, 1) == doctest::Approx(10));
        const std::vector<double> even = {1, 3, 5, 7};
        CHECK(report::quantile(even, 0.5) == doctest::Approx(4));
        const std::vector<double> one = {42};
        CHECK(report::quantile(one, 0.75) == doctest::Approx(42));
    }

    TEST_CASE("mean") {
        const std::vector<double> values = {1, 2, 6};
        CHECK(report::mean(values) == doctest::Approx(3));
    }
}
