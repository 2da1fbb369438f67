#include "model/json_text.hpp"

#include <cstdint>
#include <utility>

namespace model {

namespace {

// Return how many bytes of `s` the next character takes and whether it is
// valid UTF-8; an invalid one is as long as the prefix that one U+FFFD
// replaces, the way nlohmann's (Hoehrmann's) decoder resynchronises.
std::pair<std::size_t, bool> utf8_sequence(std::string_view s) {
    const auto b0 = static_cast<std::uint8_t>(s[0]);
    if (b0 < 0x80) {
        return {1, true};
    }
    std::size_t need = 0;
    std::uint8_t low = 0x80, high = 0xBF;
    if (b0 >= 0xC2 && b0 <= 0xDF) {
        need = 1;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
        need = 2;
        low = b0 == 0xE0 ? 0xA0 : low;
        high = b0 == 0xED ? 0x9F : high;
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
        need = 3;
        low = b0 == 0xF0 ? 0x90 : low;
        high = b0 == 0xF4 ? 0x8F : high;
    } else {
        return {1, false};
    }
    for (std::size_t i = 1; i <= need; ++i) {
        if (i >= s.size()) {
            return {i, false};
        }
        const auto b = static_cast<std::uint8_t>(s[i]);
        if (b < (i == 1 ? low : 0x80) || b > (i == 1 ? high : 0xBF)) {
            return {i, false};
        }
    }
    return {need + 1, true};
}

void append_escape(std::string& out, unsigned char c) {
    switch (c) {
    case '"':
        out += "\\\"";
        return;
    case '\\':
        out += "\\\\";
        return;
    case '\b':
        out += "\\b";
        return;
    case '\f':
        out += "\\f";
        return;
    case '\n':
        out += "\\n";
        return;
    case '\r':
        out += "\\r";
        return;
    case '\t':
        out += "\\t";
        return;
    default:
        static constexpr char k_hex[] = "0123456789abcdef";
        out += "\\u00";
        out += k_hex[c >> 4];
        out += k_hex[c & 0xF];
    }
}

} // namespace

void append_json_string(std::string& out, std::string_view text) {
    out += '"';
    std::size_t i = 0;
    while (i < text.size()) {
        // Copy the longest run of plain ASCII in one go: ids and names are all of it.
        std::size_t run = i;
        while (run < text.size()) {
            const auto c = static_cast<unsigned char>(text[run]);
            if (c < 0x20 || c >= 0x80 || c == '"' || c == '\\') {
                break;
            }
            ++run;
        }
        out.append(text.data() + i, run - i);
        i = run;
        if (i == text.size()) {
            break;
        }
        const auto c = static_cast<unsigned char>(text[i]);
        if (c < 0x80) {
            append_escape(out, c);
            ++i;
            continue;
        }
        const auto [length, valid] = utf8_sequence(text.substr(i));
        if (valid) {
            out.append(text.data() + i, length);
        } else {
            out += "\xEF\xBF\xBD";
        }
        i += length;
    }
    out += '"';
}

} // namespace model
