#include "daemon/daemon_metrics.hpp"

#include <doctest/doctest.h>

namespace {

pipeline::DeliverySample answer(long status, double seconds = 0.02) {
    return {status, seconds, 4};
}

} // namespace

TEST_SUITE("pulse_daemon::DaemonMetrics") {
    TEST_CASE("answers are counted by class, with their durations and concurrency") {
        pulse_daemon::DaemonMetrics metrics(1000);
        metrics.observe(answer(202), 1001);
        metrics.observe(answer(503, 0.3), 1002);
        metrics.observe(answer(0, 10), 1003);
        util::Exposition text;
        metrics.append_to(text);
        const auto& t = text.text();
        CHECK(t.find("pulse_agent_delivery_answers_total{class=\"2xx\"} 1\n") != std::string::npos);
        CHECK(t.find("pulse_agent_delivery_answers_total{class=\"5xx\"} 1\n") != std::string::npos);
        CHECK(t.find("pulse_agent_delivery_answers_total{class=\"none\"} 1\n") !=
              std::string::npos);
        CHECK(t.find("pulse_agent_delivery_answers_total{class=\"4xx\"} 0\n") != std::string::npos);
        CHECK(t.find("pulse_agent_delivery_request_duration_seconds_count 3\n") !=
              std::string::npos);
        CHECK(t.find("pulse_agent_delivery_request_duration_seconds_bucket{le=\"0.025\"} 1\n") !=
              std::string::npos);
        CHECK(t.find("pulse_agent_delivery_concurrency 4\n") != std::string::npos);
    }

    TEST_CASE("a run of failures starts at the first and ends at a success or a rejection") {
        pulse_daemon::DaemonMetrics metrics(1000);
        pipeline::HealthFacts facts;
        metrics.fill(facts);
        CHECK_FALSE(facts.failing_since);
        CHECK(facts.last_poll == 1000);
        metrics.observe(answer(503), 1100);
        metrics.observe(answer(0), 1200);
        metrics.fill(facts);
        CHECK(facts.failing_since == 1100);
        CHECK(facts.delivery_problem == "no answer (network, TLS or timeout)");
        metrics.observe(answer(400), 1300);
        metrics.fill(facts);
        CHECK_FALSE(facts.failing_since);
        metrics.observe(answer(401), 1400);
        metrics.fill(facts);
        CHECK(facts.failing_since == 1400);
        CHECK(facts.delivery_problem == "the API answered HTTP 401");
        metrics.observe(answer(200), 1500);
        metrics.fill(facts);
        CHECK_FALSE(facts.failing_since);
    }

    TEST_CASE("poll cycles and recorded pushes are counted") {
        pulse_daemon::DaemonMetrics metrics(1000);
        metrics.cycle_done(0.003, 1060);
        metrics.pushes_done(2, 1, 1);
        metrics.pushes_done(1, 2, 0);
        pipeline::HealthFacts facts;
        metrics.fill(facts);
        CHECK(facts.last_poll == 1060);
        util::Exposition text;
        metrics.append_to(text);
        const auto& t = text.text();
        CHECK(t.find("pulse_agent_poll_cycle_duration_seconds_bucket{le=\"0.005\"} 1\n") !=
              std::string::npos);
        CHECK(t.find("pulse_agent_pushes_recorded_total 3\n") != std::string::npos);
        CHECK(t.find("pulse_agent_pushes_derived_total 3\n") != std::string::npos);
        CHECK(t.find("pulse_agent_pushes_failed_total 1\n") != std::string::npos);
        CHECK(pulse_daemon::status_class(204) == "2xx");
        CHECK(pulse_daemon::status_class(0) == "none");
    }
}
