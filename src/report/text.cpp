#include "report/text.hpp"

#include "report/wording.hpp"

namespace report {

namespace {

constexpr std::size_t k_label_width = 22;
constexpr std::size_t k_figure_width = 27;
constexpr std::size_t k_band_width = 8;
constexpr std::size_t k_slowest_id_width = 17;

std::string padded(std::string text, std::size_t width) {
    if (text.size() < width) {
        text.append(width - text.size(), ' ');
    }
    return text;
}

// One line of a table: label, figure, band and the counts behind it.
std::string line(const std::string& label, const std::string& figure,
                 const std::optional<Band>& band = std::nullopt, const std::string& counts = "") {
    std::string text = "  " + padded(label, k_label_width) + padded(figure, k_figure_width);
    if (band || !counts.empty()) {
        text += padded(band ? std::string(band_name(*band)) : "", k_band_width) + counts;
    }
    while (!text.empty() && text.back() == ' ') {
        text.pop_back();
    }
    return text + "\n";
}

std::string frequency_lines(const Frequency& f) {
    return line("deployment frequency",
                fixed(f.per_day, 2) + " a day, " + fixed(f.per_week, 1) + " a week", f.band,
                counted(f.deployments, "deployment"));
}

std::string lead_time_lines(const LeadTime& lead) {
    if (!lead.median) {
        return line("lead time, median", "no change shipped", std::nullopt, "0 changes");
    }
    std::string text = line("lead time, median", duration_text(*lead.median), lead.band,
                            counted(lead.changes, "change"));
    text += line("  p25 / p75 / p90", duration_text(*lead.p25) + " / " + duration_text(*lead.p75) +
                                          " / " + duration_text(*lead.p90));
    if (lead.changes_without_event > 0) {
        text += line("  skipped", counted(lead.changes_without_event, "listed change") +
                                      " with no change event");
    }
    return text;
}

std::string failure_lines(const FailureRate& f) {
    std::string text;
    if (f.incidents == 0) {
        text = line("change failure rate", "no incidents recorded");
    } else if (!f.rate) {
        text = line("change failure rate", "no deployments", std::nullopt,
                    counted(f.incidents, "incident"));
    } else {
        text = line("change failure rate", percent_text(*f.rate), f.band,
                    std::to_string(f.failed_deployments) + " of " +
                        counted(f.deployments, "deployment"));
    }
    if (f.incidents_charged_to_none > 0) {
        text += line("  charged to none",
                     counted(f.incidents_charged_to_none, "incident") + " before any deployment");
    }
    if (f.incidents_charged_before_window > 0) {
        text += line("  charged earlier", counted(f.incidents_charged_before_window, "incident") +
                                              " to deployments before the window");
    }
    return text;
}

std::string restore_lines(const Restore& r) {
    if (!r.mean) {
        return line("time to restore", r.incidents == 0 ? "no incidents recorded" : "no figure",
                    std::nullopt, r.incidents == 0 ? "" : counted(r.incidents, "incident"));
    }
    std::string text =
        line("time to restore",
             "mean " + duration_text(*r.mean) + ", median " + duration_text(*r.median), r.band,
             counted(r.incidents, "incident"));
    if (r.incidents_resolved_before_created > 0) {
        text += line("  left out", counted(r.incidents_resolved_before_created, "incident") +
                                       " resolved before created");
    }
    return text;
}

std::string slowest_lines(const std::vector<DeploymentRow>& slowest) {
    std::string text;
    for (std::size_t i = 0; i < slowest.size(); ++i) {
        const auto& d = slowest[i];
        auto id =
            d.id.size() >= k_slowest_id_width ? d.id.substr(0, k_slowest_id_width - 2) + "~" : d.id;
        text += line(i == 0 ? "slowest deployments" : "",
                     padded(id, k_slowest_id_width) + duration_text(*d.median_lead_time),
                     std::nullopt, counted(d.changes, "change"));
    }
    return text;
}

std::string table(const Keys& keys) {
    return (keys.system.empty() ? std::string("all systems") : keys.system) + "\n" +
           frequency_lines(keys.frequency) + lead_time_lines(keys.lead_time) +
           failure_lines(keys.failure_rate) + restore_lines(keys.restore) +
           slowest_lines(keys.slowest);
}

} // namespace

std::string edge_text(model::UnixSeconds time) {
    return time % 86400 == 0 ? date_text(time) : model::format_rfc3339(time);
}

std::string render_text(const Report& report) {
    std::string text = "The four keys from " + edge_text(report.window.since) + " to " +
                       edge_text(report.window.until) + " (excluded), " +
                       fixed(days_in(report.window), 1) + " days\nBands: Accelerate State of " +
                       "DevOps report " + std::to_string(k_bands_year) + "\n";
    for (const auto& keys : report.systems) {
        text += "\n" + table(keys);
    }
    if (report.systems.size() != 1) {
        text += "\n" + table(report.total);
    }
    return text;
}

} // namespace report
