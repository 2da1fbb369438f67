#include "model/csv_record.hpp"

#include <optional>

namespace model {

namespace {

// Go's encoding/csv reads line by line: a line keeps its '\n', "\r\n" becomes
// "\n", and a '\r' just before the end of the input is dropped.
class LineReader {
public:
    explicit LineReader(std::string_view text) : m_rest(text) {}

    // Return the next line, or nullopt at the end of the input.
    std::optional<std::string> next() {
        if (m_rest.empty()) {
            return std::nullopt;
        }
        const auto end = m_rest.find('\n');
        const auto size = end == std::string_view::npos ? m_rest.size() : end + 1;
        std::string line(m_rest.substr(0, size));
        m_rest.remove_prefix(size);
        if (end == std::string_view::npos && line.back() == '\r') {
            line.pop_back();
        }
        const auto n = line.size();
        if (n >= 2 && line[n - 2] == '\r' && line[n - 1] == '\n') {
            line.erase(n - 2, 1);
        }
        return line;
    }

private:
    std::string_view m_rest;
};

std::size_t newline_length(std::string_view line) {
    return !line.empty() && line.back() == '\n' ? 1 : 0;
}

// The reader's state while one record is read.
struct Record {
    LineReader lines;
    std::string line;
    std::size_t at = 0;
    std::vector<std::string> fields;
};

// Read a field without quotes; return whether another field follows.
Expected<bool> unquoted_field(Record& r) {
    const std::string_view rest = std::string_view(r.line).substr(r.at);
    const auto comma = rest.find(',');
    const auto field = comma == std::string_view::npos
                           ? rest.substr(0, rest.size() - newline_length(rest))
                           : rest.substr(0, comma);
    if (field.find('"') != std::string_view::npos) {
        return fail("bare \" in non-quoted field");
    }
    r.fields.emplace_back(field);
    r.at = comma == std::string_view::npos ? r.line.size() : r.at + comma + 1;
    return comma != std::string_view::npos;
}

// Read a quoted field, over several lines when it holds newlines; return
// whether another field follows.
Expected<bool> quoted_field(Record& r) {
    std::string field;
    ++r.at;
    for (;;) {
        const std::string_view rest = std::string_view(r.line).substr(r.at);
        const auto quote = rest.find('"');
        if (quote == std::string_view::npos) {
            field.append(rest);
            auto next = r.lines.next();
            if (!next) {
                return fail("extraneous or missing \" in quoted-field");
            }
            r.line = std::move(*next);
            r.at = 0;
            continue;
        }
        field.append(rest.substr(0, quote));
        const std::string_view after = rest.substr(quote + 1);
        r.at += quote + 1;
        if (!after.empty() && after[0] == '"') {
            field.push_back('"');
            ++r.at;
        } else if (!after.empty() && after[0] == ',') {
            r.fields.push_back(std::move(field));
            ++r.at;
            return true;
        } else if (newline_length(after) == after.size()) {
            r.fields.push_back(std::move(field));
            return false;
        } else {
            return fail("extraneous or missing \" in quoted-field");
        }
    }
}

} // namespace

Expected<std::vector<std::string>> parse_csv_record(std::string_view text) {
    if (text.empty()) {
        return std::vector<std::string>{};
    }
    Record r{LineReader(text), {}, 0, {}};
    for (auto line = r.lines.next();; line = r.lines.next()) {
        if (!line) {
            return fail("no record (EOF)");
        }
        if (line->size() != newline_length(*line)) {
            r.line = std::move(*line);
            break;
        }
    }
    for (bool more = true; more;) {
        const bool quoted = r.at < r.line.size() && r.line[r.at] == '"';
        auto next = quoted ? quoted_field(r) : unquoted_field(r);
        if (!next) {
            return std::unexpected(next.error());
        }
        more = *next;
    }
    return std::move(r.fields);
}

} // namespace model
