#include "report/json.hpp"
#include "report_sample.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

TEST_SUITE("report::render_json") {
    TEST_CASE("every figure with its counts, under stable names") {
        const auto doc = nlohmann::json::parse(report::render_json(test_support::sample_report()));
        CHECK(doc["window"]["since"] == "2024-01-01T00:00:00Z");
        CHECK(doc["window"]["until"] == "2024-01-29T00:00:00Z");
        CHECK(doc["window"]["days"] == 28.0);
        CHECK(doc["bands"]["year"] == 2021);
        REQUIRE(doc["systems"].size() == 2);
        const auto& shop = doc["systems"][0];
        CHECK(shop["system"] == "shop");
        CHECK(shop["deployment_frequency"]["deployments"] == 2);
        CHECK(shop["deployment_frequency"]["per_week"].get<double>() == doctest::Approx(0.5));
        CHECK(shop["deployment_frequency"]["band"] == "high");
        CHECK(shop["lead_time"]["changes"] == 2);
        CHECK(shop["lead_time"]["changes_without_event"] == 1);
        CHECK(shop["lead_time"]["median_seconds"].get<double>() == doctest::Approx(5 * 86400));
        CHECK(shop["lead_time"]["p90_seconds"].get<double>() ==
              doctest::Approx(2 * 86400 + 0.9 * 6 * 86400));
        CHECK(shop["change_failure_rate"]["failed_deployments"] == 1);
        CHECK(shop["change_failure_rate"]["rate"].get<double>() == doctest::Approx(0.5));
        CHECK(shop["change_failure_rate"]["band"] == "low");
        CHECK(shop["time_to_restore"]["mean_seconds"].get<double>() == doctest::Approx(5400));
        CHECK(shop["slowest_deployments"][0]["deploy_id"] == "v1.1.0 <beta>");
        CHECK(shop["slowest_deployments"][0]["time_created"] == "2024-01-10T00:00:00Z");
        CHECK(doc["total"]["system"].is_null());
        CHECK(doc["total"]["deployment_frequency"]["deployments"] == 3);
    }

    TEST_CASE("no incident: null rate and band, counts still there") {
        const auto doc =
            nlohmann::json::parse(report::render_json(test_support::sample_report(false)));
        const auto& failure = doc["total"]["change_failure_rate"];
        CHECK(failure["incidents"] == 0);
        CHECK(failure["rate"].is_null());
        CHECK(failure["band"].is_null());
        CHECK(doc["total"]["time_to_restore"]["mean_seconds"].is_null());
    }
}
