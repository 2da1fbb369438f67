#include "pipeline/outbox_metrics.hpp"

#include <algorithm>
#include <map>

namespace pipeline {

namespace {

// The counter an event state is counted in, with its help text.
struct StateCounter {
    const char* state;
    const char* name;
    const char* help;
};

constexpr StateCounter k_state_counters[] = {
    {nullptr, "pulse_agent_events_queued_total",
     "Events ever queued in the outbox, by system and type (delivered and parked included)."},
    {"delivered", "pulse_agent_events_delivered_total",
     "Events the API accepted, by system and type."},
    {"parked", "pulse_agent_events_parked_total",
     "Events parked: rejected by the API (4xx) or failed for longer than retry.max_age; "
     "`pulse-agent outbox retry` lowers it."},
};

void append_event_counters(util::Exposition& text, const outbox::Census& census) {
    for (const auto& counter : k_state_counters) {
        text.family(counter.name, "counter", counter.help);
        std::map<std::pair<std::string, std::string>, std::int64_t> totals;
        for (const auto& row : census.events) {
            if (counter.state == nullptr || row.state == counter.state) {
                totals[{row.system, row.type}] += row.count;
            }
        }
        for (const auto& [key, count] : totals) {
            text.sample(counter.name, {{"system", key.first}, {"type", key.second}},
                        static_cast<double>(count));
        }
    }
}

void gauge(util::Exposition& text, const char* name, const char* help, double value) {
    text.family(name, "gauge", help);
    text.sample(name, {}, value);
}

} // namespace

void append_outbox_metrics(util::Exposition& text, outbox::Outbox& box, model::UnixSeconds now) {
    const auto census = box.census();
    const auto lag = box.lag(now);
    append_event_counters(text, census);
    gauge(text, "pulse_agent_queue_depth", "Events queued, waiting to be delivered.",
          static_cast<double>(lag.queued));
    gauge(text, "pulse_agent_oldest_queued_event_age_seconds",
          "Age of the oldest queued event (0 when none is queued): how far delivery lags.",
          static_cast<double>(lag.oldest_age()));
    gauge(text, "pulse_agent_delivery_failing_seconds",
          "How long the longest run of failed attempts of a queued event lasts (0: none).",
          lag.failing_since
              ? static_cast<double>(std::max<std::int64_t>(0, now - *lag.failing_since))
              : 0.0);
    gauge(text, "pulse_agent_events_delivered_recently", "Events delivered in the last 5 minutes.",
          static_cast<double>(lag.delivered_in_window));
    gauge(text, "pulse_agent_repositories_watched", "Repositories the daemon watches.",
          static_cast<double>(census.repositories_watched));
    gauge(text, "pulse_agent_repositories_failing",
          "Watched repositories whose last poll (or fetch) failed.",
          static_cast<double>(census.repositories_failing));
    gauge(text, "pulse_agent_last_poll_timestamp_seconds",
          "Unix time of the latest poll of a watched repository (0: none yet).",
          static_cast<double>(census.last_poll));
    gauge(text, "pulse_agent_pushes_waiting",
          "Pushes recorded by post-receive hooks, waiting to be derived.",
          static_cast<double>(census.pushes_waiting));
    gauge(text, "pulse_agent_pushes_parked",
          "Recorded pushes that could not be derived for longer than retry.max_age.",
          static_cast<double>(census.pushes_parked));
}

void append_build_info(util::Exposition& text, const BuildInfo& info) {
    util::Labels labels = {{"version", info.version},
                           {"commit", info.commit},
                           {"build_type", info.build_type},
                           {"compiler", info.compiler}};
    for (const auto& [library, version] : info.libraries) {
        auto name = library;
        std::replace(name.begin(), name.end(), '-', '_');
        labels.emplace_back(name, version);
    }
    text.family("pulse_agent_build_info", "gauge",
                "Always 1: the version, commit, build and libraries' versions as labels.");
    text.sample("pulse_agent_build_info", labels, 1);
}

} // namespace pipeline
