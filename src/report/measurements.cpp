#include "report/measurements.hpp"

#include "report/statistics.hpp"

#include <algorithm>

namespace report {

namespace {

constexpr std::size_t k_slowest = 5;

Frequency frequency_of(std::size_t deployments, const Window& window) {
    const double days = days_in(window);
    const double per_day = days > 0 ? static_cast<double>(deployments) / days : 0;
    return {deployments, per_day, per_day * 7, deployment_frequency_band(per_day)};
}

LeadTime lead_time_of(std::vector<double>& lead_times, std::size_t without_event) {
    LeadTime lead{lead_times.size(), without_event};
    if (lead_times.empty()) {
        return lead;
    }
    std::sort(lead_times.begin(), lead_times.end());
    lead.median = quantile(lead_times, 0.5);
    lead.p25 = quantile(lead_times, 0.25);
    lead.p75 = quantile(lead_times, 0.75);
    lead.p90 = quantile(lead_times, 0.9);
    lead.band = lead_time_band(*lead.median);
    return lead;
}

FailureRate failure_rate_of(const Measurements& measured) {
    FailureRate failure;
    failure.deployments = measured.deployments.size();
    failure.incidents = measured.incidents.size();
    failure.incidents_charged_before_window = measured.incidents_charged_before_window;
    failure.failed_deployments = static_cast<std::size_t>(
        std::count_if(measured.deployments.begin(), measured.deployments.end(),
                      [](const DeploymentRow& d) { return d.incidents > 0; }));
    failure.incidents_charged_to_none =
        static_cast<std::size_t>(std::count_if(measured.incidents.begin(), measured.incidents.end(),
                                               [](const IncidentRow& i) { return !i.charged_to; }));
    if (failure.incidents > 0 && failure.deployments > 0) {
        failure.rate = static_cast<double>(failure.failed_deployments) /
                       static_cast<double>(failure.deployments);
        failure.band = failure_rate_band(*failure.rate);
    }
    return failure;
}

Restore restore_of(const std::vector<IncidentRow>& incidents) {
    Restore restore{incidents.size()};
    std::vector<double> durations;
    for (const auto& incident : incidents) {
        if (incident.resolved < incident.created) {
            ++restore.incidents_resolved_before_created;
            continue;
        }
        durations.push_back(static_cast<double>(incident.resolved - incident.created));
    }
    if (durations.empty()) {
        return restore;
    }
    std::sort(durations.begin(), durations.end());
    restore.mean = mean(durations);
    restore.median = quantile(durations, 0.5);
    restore.band = restore_band(*restore.mean);
    return restore;
}

std::vector<DeploymentRow> slowest_of(const std::vector<DeploymentRow>& deployments) {
    std::vector<DeploymentRow> timed;
    std::copy_if(deployments.begin(), deployments.end(), std::back_inserter(timed),
                 [](const DeploymentRow& d) { return d.median_lead_time.has_value(); });
    const auto count = std::min(k_slowest, timed.size());
    std::partial_sort(timed.begin(), timed.begin() + static_cast<std::ptrdiff_t>(count),
                      timed.end(), [](const DeploymentRow& a, const DeploymentRow& b) {
                          return *a.median_lead_time > *b.median_lead_time;
                      });
    timed.resize(count);
    return timed;
}

} // namespace

void merge(Measurements& into, const Measurements& from) {
    into.deployments.insert(into.deployments.end(), from.deployments.begin(),
                            from.deployments.end());
    into.lead_times.insert(into.lead_times.end(), from.lead_times.begin(), from.lead_times.end());
    into.changes_without_event += from.changes_without_event;
    into.incidents.insert(into.incidents.end(), from.incidents.begin(), from.incidents.end());
    into.incidents_charged_before_window += from.incidents_charged_before_window;
}

Keys keys_of(std::string system, Measurements measured, const Window& window) {
    auto by_time = [](const auto& a, const auto& b) { return a.time < b.time; };
    std::stable_sort(measured.deployments.begin(), measured.deployments.end(), by_time);
    std::stable_sort(
        measured.incidents.begin(), measured.incidents.end(),
        [](const IncidentRow& a, const IncidentRow& b) { return a.created < b.created; });
    Keys keys{std::move(system),
              frequency_of(measured.deployments.size(), window),
              lead_time_of(measured.lead_times, measured.changes_without_event),
              failure_rate_of(measured),
              restore_of(measured.incidents),
              slowest_of(measured.deployments)};
    keys.deployments = std::move(measured.deployments);
    keys.incidents = std::move(measured.incidents);
    return keys;
}

} // namespace report
