#include "model/time.hpp"

#include <charconv>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <optional>
#include <regex>

namespace model {

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

bool is_leap(std::int64_t year) {
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

// Return whether a civil date exists (2024-02-31 does not).
bool valid_date(std::int64_t year, std::int64_t month, std::int64_t day) {
    static constexpr int k_days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month < 1 || month > 12 || day < 1) {
        return false;
    }
    return day <= k_days[month - 1] + (month == 2 && is_leap(year) ? 1 : 0);
}

// Longer than any RFC 3339 time with nanoseconds; libstdc++'s regex recurses
// once per fraction digit, so a long one would overflow the stack.
constexpr std::size_t k_max_calendar = 64;

// Read the form format_rfc3339 writes ("2024-03-31T12:00:00Z") without the
// regex, which costs more than the rest of reading an event back: a report
// reads 100k of them. Nullopt for any other form, which the regex then reads.
std::optional<UnixSeconds> parse_canonical(std::string_view text) {
    constexpr std::string_view k_shape = "dddd-dd-ddTdd:dd:ddZ";
    if (text.size() != k_shape.size()) {
        return std::nullopt;
    }
    for (std::size_t i = 0; i < text.size(); ++i) {
        const bool digit = text[i] >= '0' && text[i] <= '9';
        if (k_shape[i] == 'd' ? !digit : text[i] != k_shape[i]) {
            return std::nullopt;
        }
    }
    auto number = [&](std::size_t at, std::size_t width) {
        std::int64_t value = 0;
        for (std::size_t i = at; i < at + width; ++i) {
            value = value * 10 + (text[i] - '0');
        }
        return value;
    };
    const auto month = number(5, 2), day = number(8, 2), hour = number(11, 2),
               minute = number(14, 2), second = number(17, 2);
    if (!valid_date(number(0, 4), month, day) || hour > 23 || minute > 59 || second > 60) {
        return std::nullopt;
    }
    return days_from_civil(number(0, 4), static_cast<unsigned>(month), static_cast<unsigned>(day)) *
               86400 +
           hour * 3600 + minute * 60 + second;
}

Expected<UnixSeconds> parse_calendar(std::string_view text) {
    if (const auto canonical = parse_canonical(text)) {
        return *canonical;
    }
    if (text.size() > k_max_calendar) {
        return fail("expected Unix seconds, YYYY-MM-DD or an RFC 3339 time");
    }
    static const std::regex pattern(
        R"(^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(Z|z|[+-]\d{2}:\d{2})?)?$)");
    std::match_results<std::string_view::const_iterator> m;
    if (!std::regex_match(text.begin(), text.end(), m, pattern)) {
        return fail("expected Unix seconds, YYYY-MM-DD or an RFC 3339 time");
    }
    auto number = [&](int i) { return m[i].matched ? std::stoll(m[i].str()) : 0LL; };
    const auto month = number(2), day = number(3), hour = number(4), minute = number(5),
               second = number(6);
    if (!valid_date(number(1), month, day) || hour > 23 || minute > 59 || second > 60) {
        return fail("no such date or time");
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
        if (std::stoll(zone.substr(1, 2)) > 23 || std::stoll(zone.substr(4, 2)) > 59) {
            return fail("no such zone offset '" + zone + "'");
        }
        const int sign = zone[0] == '-' ? -1 : 1;
        result -=
            sign * (std::stoll(zone.substr(1, 2)) * 3600 + std::stoll(zone.substr(4, 2)) * 60);
    }
    return result;
}

// The civil date of a day count from 1970-01-01 (Howard Hinnant's algorithm).
void civil_from_days(std::int64_t z, std::int64_t& y, unsigned& m, unsigned& d) {
    z += 719468;
    const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    d = doy - (153 * mp + 2) / 5 + 1;
    m = mp < 10 ? mp + 3 : mp - 9;
    y = static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2);
}

void put_digits(char* at, std::int64_t value, int width) {
    for (int i = width - 1; i >= 0; --i) {
        at[i] = static_cast<char>('0' + value % 10);
        value /= 10;
    }
}

} // namespace

std::string format_rfc3339(UnixSeconds seconds) {
    // Formatted by hand: gmtime_r and strftime cost more than the rest of a
    // body, and backfills write one per event.
    std::int64_t days = seconds / 86400;
    std::int64_t rest = seconds % 86400;
    if (rest < 0) {
        rest += 86400;
        --days;
    }
    std::int64_t year = 0;
    unsigned month = 0, day = 0;
    civil_from_days(days, year, month, day);
    if (year < 0 || year > 9999) {
        return "0000-01-01T00:00:00Z";
    }
    std::string text = "0000-00-00T00:00:00Z";
    put_digits(&text[0], year, 4);
    put_digits(&text[5], month, 2);
    put_digits(&text[8], day, 2);
    put_digits(&text[11], rest / 3600, 2);
    put_digits(&text[14], rest / 60 % 60, 2);
    put_digits(&text[17], rest % 60, 2);
    return text;
}

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
