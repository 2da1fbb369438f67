#include "report/json.hpp"

#include <nlohmann/json.hpp>

namespace report {

namespace {

using Json = nlohmann::ordered_json;

template <class T>
Json or_null(const std::optional<T>& value) {
    return value ? Json(*value) : Json(nullptr);
}

Json band_or_null(const std::optional<Band>& band) {
    return band ? Json(band_name(*band)) : Json(nullptr);
}

Json frequency_json(const Frequency& f) {
    return {{"deployments", f.deployments},
            {"per_day", f.per_day},
            {"per_week", f.per_week},
            {"band", band_name(f.band)}};
}

Json lead_time_json(const LeadTime& lead) {
    return {{"changes", lead.changes},
            {"changes_without_event", lead.changes_without_event},
            {"median_seconds", or_null(lead.median)},
            {"p25_seconds", or_null(lead.p25)},
            {"p75_seconds", or_null(lead.p75)},
            {"p90_seconds", or_null(lead.p90)},
            {"band", band_or_null(lead.band)}};
}

Json failure_json(const FailureRate& f) {
    return {{"deployments", f.deployments},
            {"failed_deployments", f.failed_deployments},
            {"incidents", f.incidents},
            {"incidents_charged_to_none", f.incidents_charged_to_none},
            {"incidents_charged_before_window", f.incidents_charged_before_window},
            {"rate", or_null(f.rate)},
            {"band", band_or_null(f.band)}};
}

Json restore_json(const Restore& r) {
    return {{"incidents", r.incidents},
            {"incidents_resolved_before_created", r.incidents_resolved_before_created},
            {"mean_seconds", or_null(r.mean)},
            {"median_seconds", or_null(r.median)},
            {"band", band_or_null(r.band)}};
}

Json deployment_json(const DeploymentRow& d) {
    return {{"system", d.system},
            {"deploy_id", d.id},
            {"time_created", model::format_rfc3339(d.time)},
            {"changes", d.changes},
            {"median_lead_time_seconds", or_null(d.median_lead_time)},
            {"incidents", d.incidents}};
}

Json keys_json(const Keys& keys) {
    Json slowest = Json::array();
    for (const auto& d : keys.slowest) {
        slowest.push_back(deployment_json(d));
    }
    return {{"system", keys.system.empty() ? Json(nullptr) : Json(keys.system)},
            {"deployment_frequency", frequency_json(keys.frequency)},
            {"lead_time", lead_time_json(keys.lead_time)},
            {"change_failure_rate", failure_json(keys.failure_rate)},
            {"time_to_restore", restore_json(keys.restore)},
            {"slowest_deployments", std::move(slowest)}};
}

} // namespace

std::string render_json(const Report& report) {
    Json systems = Json::array();
    for (const auto& keys : report.systems) {
        systems.push_back(keys_json(keys));
    }
    const Json document = {
        {"window",
         {{"since", model::format_rfc3339(report.window.since)},
          {"until", model::format_rfc3339(report.window.until)},
          {"days", days_in(report.window)}}},
        {"bands", {{"source", "Accelerate State of DevOps report"}, {"year", k_bands_year}}},
        {"systems", std::move(systems)},
        {"total", keys_json(report.total)}};
    return document.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

} // namespace report
