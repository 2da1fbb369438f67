#include "model/time.hpp"

#include <charconv>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <regex>

namespace model {

std::string format_rfc3339(UnixSeconds seconds) {
    std::time_t t = static_cast<std::time_t>(seconds);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buffer[32];
    std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buffer;
}

namespace {

Expected<UnixSeconds> parse_integer(std::string_view text) {
    UnixSeconds value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size()) {
        return fail("not a number");
    }
    return value;
}

// Days from 1970-01-01 to a civil date (Howard Hinnant's algorithm).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
    y -= m <= 2;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

Expected<UnixSeconds> parse_calendar(std::string_view text) {
    static const std::regex pattern(
        R"(^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(Z|z|[+-]\d{2}:\d{2})?)?$)");
    std::match_results<std::string_view::const_iterator> m;
    if (!std::regex_match(text.begin(), text.end(), m, pattern)) {
        return fail("expected Unix seconds, YYYY-MM-DD or an RFC 3339 time");
    }
    auto number = [&](int i) { return m[i].matched ? std::stoll(m[i].str()) : 0LL; };
    const auto month = number(2), day = number(3), hour = number(4), minute = number(5),
               second = number(6);
    if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) {
        return fail("date or time out of range");
    }
    if (m[4].matched && !m[7].matched) {
        return fail("a time of day needs a zone (Z or +HH:MM)");
    }
    UnixSeconds result =
        days_from_civil(number(1), static_cast<unsigned>(month), static_cast<unsigned>(day)) *
            86400 +
        hour * 3600 + minute * 60 + second;
    const std::string zone = m[7].str();
    if (zone.size() == 6) {
        const int sign = zone[0] == '-' ? -1 : 1;
        result -=
            sign * (std::stoll(zone.substr(1, 2)) * 3600 + std::stoll(zone.substr(4, 2)) * 60);
    }
    return result;
}

} // namespace

Expected<UnixSeconds> parse_time(std::string_view text) {
    if (text.empty()) {
        return fail("empty time");
    }
    if (text.find_first_not_of("-0123456789") == std::string_view::npos) {
        if (text.size() == 10 && text[4] == '-') {
            return parse_calendar(text);
        }
        return parse_integer(text);
    }
    return parse_calendar(text);
}

UnixSeconds now() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

} // namespace model
