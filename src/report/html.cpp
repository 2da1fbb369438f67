#include "report/html.hpp"

#include "report/html_style.hpp"
#include "report/series.hpp"
#include "report/svg_chart.hpp"
#include "report/text.hpp"
#include "report/wording.hpp"

#include <algorithm>

namespace report {

namespace {

std::string band_badge(const std::optional<Band>& band) {
    if (!band) {
        return "";
    }
    const std::string name(band_name(*band));
    return "<span class=\"band band-" + name + "\">" + name + "</span>";
}

std::string cell(const std::string& figure, const std::optional<Band>& band,
                 const std::string& counts) {
    return "<td class=\"figure\">" + figure + band_badge(band) + "<span class=\"counts\">" +
           escaped(counts) + "</span></td>";
}

std::string none(const std::string& text) {
    return "<span class=\"none\">" + escaped(text) + "</span>";
}

std::string lead_cell(const LeadTime& lead) {
    if (!lead.median) {
        return cell(none("no change shipped"), std::nullopt, "0 changes");
    }
    auto counts = counted(lead.changes, "change") + "; p25 " + duration_text(*lead.p25) + ", p75 " +
                  duration_text(*lead.p75) + ", p90 " + duration_text(*lead.p90);
    if (lead.changes_without_event > 0) {
        counts += "; " + std::to_string(lead.changes_without_event) + " skipped (no change event)";
    }
    return cell(escaped(duration_text(*lead.median)), lead.band, counts);
}

std::string failure_cell(const FailureRate& f) {
    if (f.incidents == 0) {
        return cell(none("no incidents recorded"), std::nullopt, "");
    }
    auto counts = std::to_string(f.failed_deployments) + " of " +
                  counted(f.deployments, "deployment") + "; " + counted(f.incidents, "incident");
    if (f.incidents_charged_to_none > 0) {
        counts += ", " + std::to_string(f.incidents_charged_to_none) + " before any deployment";
    }
    return cell(f.rate ? escaped(percent_text(*f.rate)) : none("no deployments"), f.band, counts);
}

std::string restore_cell(const Restore& r) {
    if (!r.mean) {
        return cell(none(r.incidents == 0 ? "no incidents recorded" : "no figure"), std::nullopt,
                    r.incidents == 0 ? "" : counted(r.incidents, "incident"));
    }
    return cell(escaped("mean " + duration_text(*r.mean)), r.band,
                "median " + duration_text(*r.median) + "; " + counted(r.incidents, "incident"));
}

std::string summary_row(const Keys& keys) {
    const auto& f = keys.frequency;
    return "<tr><th scope=\"row\">" +
           escaped(keys.system.empty() ? std::string("all systems") : keys.system) + "</th>" +
           cell(escaped(fixed(f.per_week, 1) + " a week"), f.band,
                counted(f.deployments, "deployment") + "; " + fixed(f.per_day, 2) + " a day") +
           lead_cell(keys.lead_time) + failure_cell(keys.failure_rate) +
           restore_cell(keys.restore) + "</tr>\n";
}

std::string summary_table(const Report& report) {
    std::string rows;
    for (const auto& keys : report.systems) {
        rows += summary_row(keys);
    }
    if (report.systems.size() != 1) {
        rows += summary_row(report.total);
    }
    return "<table><thead><tr><th>system</th><th>deployment frequency</th><th>lead time for "
           "changes (median)</th><th>change failure rate</th><th>time to restore</th></tr>"
           "</thead><tbody>\n" +
           rows + "</tbody></table>\n";
}

std::string figure(const std::string& caption, const std::string& content) {
    return "<figure><figcaption>" + escaped(caption) + "</figcaption>\n" + content + "</figure>\n";
}

std::string weekly_chart(const Keys& keys, const Window& window) {
    const auto weeks = weekly(keys.deployments, window);
    std::size_t most = 0;
    for (const auto& week : weeks) {
        most = std::max(most, week.deployments);
    }
    const auto ticks = linear_ticks(static_cast<double>(most));
    SvgChart chart(window, 0, ticks.back().first);
    chart.y_ticks(ticks);
    for (const auto& week : weeks) {
        chart.bar(week.from, week.to, static_cast<double>(week.deployments),
                  "week of " + date_text(week.from) + ": " +
                      counted(week.deployments, "deployment"));
    }
    return figure("Deployments per week", chart.svg("Deployments per week"));
}

std::string lead_time_chart(const Keys& keys, const Window& window) {
    if (!keys.lead_time.median) {
        return figure("Lead time per deployment", none("no change shipped in the window"));
    }
    double low = *keys.lead_time.median;
    double high = low;
    for (const auto& d : keys.deployments) {
        if (d.median_lead_time) {
            low = std::min(low, *d.median_lead_time);
            high = std::max(high, *d.median_lead_time);
        }
    }
    low = std::max(1.0, low / 2);
    high = std::max(high * 2, low * 10);
    SvgChart chart(window, low, high, true);
    chart.y_ticks(duration_ticks(low, high));
    for (const auto& d : keys.deployments) {
        if (d.median_lead_time) {
            chart.dot(d.time, std::max(1.0, *d.median_lead_time),
                      d.id + " (" + d.system + "), " + date_text(d.time) + ": median " +
                          duration_text(*d.median_lead_time) + " over " +
                          counted(d.changes, "change"));
        }
    }
    const auto median = duration_text(*keys.lead_time.median);
    chart.level(std::max(1.0, *keys.lead_time.median), median);
    return figure("Lead time per deployment (the median of its changes; logarithmic scale); "
                  "dashed: the median of all changes, " +
                      median,
                  chart.svg("Lead time per deployment"));
}

std::string incident_chart(const Keys& keys, const Window& window) {
    if (keys.incidents.empty()) {
        return figure("Incidents and their durations", none("no incidents recorded"));
    }
    const auto rows = static_cast<double>(keys.incidents.size());
    SvgChart chart(window, 0, rows + 1);
    for (std::size_t i = 0; i < keys.incidents.size(); ++i) {
        const auto& incident = keys.incidents[i];
        chart.span(incident.created, std::max(incident.resolved, incident.created),
                   rows - static_cast<double>(i),
                   incident.id + " (" + incident.system + "), " +
                       model::format_rfc3339(incident.created) + ", restored in " +
                       duration_text(static_cast<double>(incident.resolved - incident.created)) +
                       "; charged to " + incident.charged_to.value_or("none"));
    }
    return figure("Incidents and their durations (one line each, oldest at the top)",
                  chart.svg("Incidents and their durations"));
}

std::string failure_chart(const Keys& keys, const Window& window) {
    if (keys.incidents.empty()) {
        return figure("Change failure rate per month", none("no incidents recorded"));
    }
    SvgChart chart(window, 0, 100);
    chart.y_ticks({{0, "0%"}, {25, "25%"}, {50, "50%"}, {75, "75%"}, {100, "100%"}});
    for (const auto& month : monthly(keys.deployments, window)) {
        const double rate = month.deployments == 0 ? 0
                                                   : static_cast<double>(month.failed_deployments) /
                                                         static_cast<double>(month.deployments);
        chart.bar(month.from, month.to, rate * 100,
                  date_text(month.from).substr(0, 7) + ": " +
                      std::to_string(month.failed_deployments) + " of " +
                      counted(month.deployments, "deployment") + " failed");
    }
    return figure("Change failure rate per month", chart.svg("Change failure rate per month"));
}

std::string slowest_table(const Keys& keys) {
    if (keys.slowest.empty()) {
        return "";
    }
    std::string rows;
    for (const auto& d : keys.slowest) {
        rows += "<tr><td>" + escaped(d.id) + "</td><td>" + escaped(d.system) + "</td><td>" +
                date_text(d.time) + "</td><td>" + escaped(duration_text(*d.median_lead_time)) +
                "</td><td>" + std::to_string(d.changes) + "</td></tr>\n";
    }
    return "<h2>Slowest deployments</h2>\n<table><thead><tr><th>deployment</th><th>system</th>"
           "<th>date</th><th>median lead time</th><th>changes</th></tr></thead><tbody>\n" +
           rows + "</tbody></table>\n";
}

} // namespace

std::string render_html(const Report& report) {
    const auto& w = report.window;
    const auto& keys = report.total;
    return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
           "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
           "<title>The four keys, " +
           edge_text(w.since) + " to " + edge_text(w.until) + "</title>\n<style>" + k_html_style +
           "</style>\n</head>\n<body>\n<h1>The four keys</h1>\n" + "<p class=\"window\">From " +
           edge_text(w.since) + " to " + edge_text(w.until) + " (excluded), " +
           fixed(days_in(w), 1) + " days. Bands: Accelerate State of DevOps report " +
           std::to_string(k_bands_year) + ".</p>\n" + summary_table(report) + "<h2>" +
           (report.systems.size() == 1 ? escaped(report.systems[0].system) : "All systems") +
           "</h2>\n" + weekly_chart(keys, w) + lead_time_chart(keys, w) + incident_chart(keys, w) +
           failure_chart(keys, w) + slowest_table(keys) +
           "<footer>Made by pulse-agent report from the events it derived; "
           "nothing on this page was fetched from a network.</footer>\n</body>\n</html>\n";
}

} // namespace report
