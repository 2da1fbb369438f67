#include "cli/lag_text.hpp"

#include <fmt/format.h>

namespace cli {

namespace {

nlohmann::ordered_json time_or_null(const std::optional<model::UnixSeconds>& time) {
    return time ? nlohmann::ordered_json(model::format_rfc3339(*time))
                : nlohmann::ordered_json(nullptr);
}

} // namespace

std::string lag_line(const outbox::Lag& lag) {
    std::string text =
        lag.oldest_queued_at
            ? fmt::format("oldest queued event {} s old (queued {})", lag.oldest_age(),
                          model::format_rfc3339(*lag.oldest_queued_at))
            : std::string("nothing queued");
    if (lag.failing_since) {
        text += fmt::format(", failing for {} s",
                            std::max<std::int64_t>(0, lag.at - *lag.failing_since));
    }
    return text + fmt::format("; delivered {} in the last {} min ({:.1f}/min)",
                              lag.delivered_in_window, lag.window / 60, lag.per_minute());
}

nlohmann::ordered_json lag_json(const outbox::Lag& lag) {
    return {
        {"oldest_queued_age_seconds", lag.oldest_queued_at
                                          ? nlohmann::ordered_json(lag.oldest_age())
                                          : nlohmann::ordered_json(nullptr)},
        {"oldest_queued_at", time_or_null(lag.oldest_queued_at)},
        {"failing_since", time_or_null(lag.failing_since)},
        {"delivered_last_window", lag.delivered_in_window},
        {"window_seconds", lag.window},
        {"delivered_per_minute", lag.per_minute()},
    };
}

} // namespace cli
