#include "derive/revert_line.hpp"

#include <algorithm>

namespace derive {

namespace {

constexpr std::size_t k_min_hex = 4;
constexpr std::size_t k_max_hex = 40;

bool is_hex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

std::string_view trimmed_right(std::string_view text) {
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) {
        text.remove_suffix(1);
    }
    return text;
}

// Return the length of the hex run at the start of `text`.
std::size_t hex_length(std::string_view text) {
    const auto end = std::find_if(text.begin(), text.end(), [](char c) { return !is_hex(c); });
    return static_cast<std::size_t>(end - text.begin());
}

// Return whether `rest` (what follows "reversing") is the merge form's end:
// whitespace, even a line break, then "changes made to Y." up to the line's end.
bool is_merge_tail(std::string_view rest) {
    const auto start = rest.find_first_not_of(" \t\r\n");
    if (start == 0 || start == std::string_view::npos) {
        return false;
    }
    rest.remove_prefix(start);
    constexpr std::string_view k_changes = "changes made to ";
    if (!rest.starts_with(k_changes)) {
        return false;
    }
    rest.remove_prefix(k_changes.size());
    const auto hex = hex_length(rest);
    rest.remove_prefix(hex);
    const auto line = trimmed_right(rest.substr(0, rest.find('\n')));
    return hex >= k_min_hex && hex <= k_max_hex && line == ".";
}

// Return the id a line starting with the marker names, if it is a revert line.
std::optional<std::string> line_id(std::string_view text) {
    text.remove_prefix(k_revert_marker.size());
    const auto hex = hex_length(text);
    if (hex < k_min_hex || hex > k_max_hex) {
        return std::nullopt;
    }
    const auto rest = text.substr(hex);
    constexpr std::string_view k_reversing = ", reversing";
    const bool plain = trimmed_right(rest.substr(0, rest.find('\n'))) == ".";
    if (!plain &&
        !(rest.starts_with(k_reversing) && is_merge_tail(rest.substr(k_reversing.size())))) {
        return std::nullopt;
    }
    std::string id(text.substr(0, hex));
    std::transform(id.begin(), id.end(), id.begin(),
                   [](char c) { return c >= 'A' && c <= 'F' ? static_cast<char>(c + 32) : c; });
    return id;
}

} // namespace

std::optional<std::string> reverted_id(std::string_view message) {
    std::size_t start = 0;
    while (start <= message.size()) {
        const auto line = message.substr(start);
        if (line.starts_with(k_revert_marker)) {
            if (auto id = line_id(line)) {
                return id;
            }
        }
        const auto end = message.find('\n', start);
        if (end == std::string_view::npos) {
            break;
        }
        start = end + 1;
    }
    return std::nullopt;
}

} // namespace derive
