#include "util/exposition.hpp"

#include <doctest/doctest.h>

TEST_SUITE("util::Exposition") {
    TEST_CASE("families, samples and escaped labels") {
        util::Exposition text;
        text.family("pulse_agent_events_queued_total", "counter", "Events queued.\nAll.");
        text.sample("pulse_agent_events_queued_total",
                    {{"system", "a\"b\\c\nd"}, {"type", "change"}}, 3);
        text.family("pulse_agent_queue_depth", "gauge", "Depth.");
        text.sample("pulse_agent_queue_depth", {}, 0.25);
        CHECK(text.text() == "# HELP pulse_agent_events_queued_total Events queued.\\nAll.\n"
                             "# TYPE pulse_agent_events_queued_total counter\n"
                             "pulse_agent_events_queued_total{system=\"a\\\"b\\\\c\\nd\",type="
                             "\"change\"} 3\n"
                             "# HELP pulse_agent_queue_depth Depth.\n"
                             "# TYPE pulse_agent_queue_depth gauge\n"
                             "pulse_agent_queue_depth 0.25\n");
    }

    TEST_CASE("a histogram's buckets are cumulative, then +Inf, sum and count") {
        util::Histogram histogram({0.1, 1});
        histogram.observe(0.05);
        histogram.observe(0.5);
        histogram.observe(5);
        util::Exposition text;
        text.histogram("d_seconds", {{"k", "v"}}, histogram);
        CHECK(text.text() == "d_seconds_bucket{k=\"v\",le=\"0.1\"} 1\n"
                             "d_seconds_bucket{k=\"v\",le=\"1\"} 2\n"
                             "d_seconds_bucket{k=\"v\",le=\"+Inf\"} 3\n"
                             "d_seconds_sum{k=\"v\"} 5.55\n"
                             "d_seconds_count{k=\"v\"} 3\n");
    }
}
