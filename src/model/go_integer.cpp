#include "model/go_integer.hpp"

#include <limits>

namespace model {

namespace {

char lower(char c) {
    return static_cast<char>(c | 0x20);
}

// Return whether `_` only separates digits (and a base prefix from digits),
// as Go's underscoreOK demands.
bool underscores_ok(std::string_view s) {
    char saw = '^';
    std::size_t i = 0;
    if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
        s.remove_prefix(1);
    }
    bool hex = false;
    if (s.size() >= 2 && s[0] == '0' &&
        (lower(s[1]) == 'b' || lower(s[1]) == 'o' || lower(s[1]) == 'x')) {
        i = 2;
        saw = '0';
        hex = lower(s[1]) == 'x';
    }
    for (; i < s.size(); ++i) {
        const char c = s[i];
        if ((c >= '0' && c <= '9') || (hex && lower(c) >= 'a' && lower(c) <= 'f')) {
            saw = '0';
        } else if (c == '_') {
            if (saw != '0') {
                return false;
            }
            saw = '_';
        } else {
            if (saw == '_') {
                return false;
            }
            saw = '!';
        }
    }
    return saw != '_';
}

// Return the base the text's prefix announces, removing the prefix.
unsigned take_base(std::string_view& s) {
    if (s.empty() || s[0] != '0') {
        return 10;
    }
    if (s.size() >= 3) {
        const char prefix = lower(s[1]);
        const unsigned base = prefix == 'b' ? 2 : prefix == 'o' ? 8 : prefix == 'x' ? 16 : 0;
        if (base != 0) {
            s.remove_prefix(2);
            return base;
        }
    }
    s.remove_prefix(1);
    return 8;
}

int digit_value(char c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    const char l = lower(c);
    return l >= 'a' && l <= 'z' ? l - 'a' + 10 : 99;
}

// Go's ParseUint(s, 0, 64): syntax is checked digit by digit, so an overflow
// met before a bad character is a range error, as in Go.
Expected<std::uint64_t> parse_unsigned(std::string_view s) {
    if (s.empty()) {
        return fail("invalid syntax");
    }
    const std::string_view whole = s;
    const unsigned base = take_base(s);
    constexpr auto k_max = std::numeric_limits<std::uint64_t>::max();
    std::uint64_t n = 0;
    bool underscores = false;
    for (const char c : s) {
        if (c == '_') {
            underscores = true;
            continue;
        }
        const int d = digit_value(c);
        if (d >= static_cast<int>(base)) {
            return fail("invalid syntax");
        }
        if (n > (k_max - static_cast<unsigned>(d)) / base) {
            return fail("value out of range");
        }
        n = n * base + static_cast<unsigned>(d);
    }
    if (underscores && !underscores_ok(whole)) {
        return fail("invalid syntax");
    }
    return n;
}

} // namespace

Expected<std::int64_t> parse_go_integer(std::string_view text) {
    if (text.empty()) {
        return fail("invalid syntax");
    }
    const bool negative = text[0] == '-';
    if (text[0] == '+' || text[0] == '-') {
        text.remove_prefix(1);
    }
    const auto magnitude = parse_unsigned(text);
    if (!magnitude) {
        return std::unexpected(magnitude.error());
    }
    constexpr std::uint64_t k_cutoff = std::uint64_t{1} << 63;
    if (negative ? *magnitude > k_cutoff : *magnitude >= k_cutoff) {
        return fail("value out of range");
    }
    if (negative) {
        return static_cast<std::int64_t>(~*magnitude + 1);
    }
    return static_cast<std::int64_t>(*magnitude);
}

} // namespace model
