#include "report/wording.hpp"

#include <cmath>
#include <cstdio>

namespace report {

std::string fixed(double value, int decimals) {
    char text[64];
    std::snprintf(text, sizeof text, "%.*f", decimals, value);
    return text;
}

std::string duration_text(double seconds) {
    const double magnitude = std::fabs(seconds);
    if (magnitude < 60) {
        return fixed(seconds, 0) + " s";
    }
    if (magnitude < 3600) {
        return fixed(seconds / 60, 0) + " min";
    }
    if (magnitude < 86400) {
        return fixed(seconds / 3600, 1) + " h";
    }
    return fixed(seconds / 86400, 1) + " d";
}

std::string percent_text(double rate) {
    return fixed(rate * 100, 1) + "%";
}

std::string date_text(model::UnixSeconds time) {
    return model::format_rfc3339(time).substr(0, 10);
}

std::string counted(std::size_t count, const std::string& noun) {
    return std::to_string(count) + " " + noun + (count == 1 ? "" : "s");
}

} // namespace report
