#include "report/bands.hpp"

namespace report {

namespace {

constexpr double k_hour = 3600;
constexpr double k_day = 24 * k_hour;
constexpr double k_week = 7 * k_day;
// The report's "month" and "six months", in days.
constexpr double k_month_days = 30;
constexpr double k_six_months_days = 180;

} // namespace

std::string_view band_name(Band band) {
    switch (band) {
    case Band::elite:
        return "elite";
    case Band::high:
        return "high";
    case Band::medium:
        return "medium";
    case Band::low:
        return "low";
    }
    return "low";
}

Band deployment_frequency_band(double per_day) {
    if (per_day >= 1) {
        return Band::elite;
    }
    if (per_day >= 1 / k_month_days) {
        return Band::high;
    }
    return per_day >= 1 / k_six_months_days ? Band::medium : Band::low;
}

Band lead_time_band(double seconds) {
    if (seconds < k_hour) {
        return Band::elite;
    }
    if (seconds <= k_week) {
        return Band::high;
    }
    return seconds <= k_six_months_days * k_day ? Band::medium : Band::low;
}

Band failure_rate_band(double rate) {
    // 2021 gives high, medium and low the same 16-30%: within it, the best
    // band the figure allows is high; past 30% no cluster reaches, low.
    if (rate <= 0.15) {
        return Band::elite;
    }
    return rate <= 0.30 ? Band::high : Band::low;
}

Band restore_band(double seconds) {
    if (seconds < k_hour) {
        return Band::elite;
    }
    if (seconds < k_day) {
        return Band::high;
    }
    return seconds <= k_week ? Band::medium : Band::low;
}

} // namespace report
