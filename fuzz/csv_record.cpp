// model::parse_csv_record on arbitrary text (--teams values): it never
// crashes, and a record it accepts, written back with every field quoted,
// reads back as the same fields, but for what encoding/csv does to a quoted
// field: each "\r\n" in it becomes "\n".
#include "model/csv_record.hpp"

#include "check.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace {

std::string quoted_record(const std::vector<std::string>& fields) {
    std::string out;
    for (std::size_t i = 0; i < fields.size(); ++i) {
        const auto& field = fields[i];
        out += i == 0 ? "\"" : ",\"";
        for (const char c : field) {
            out += c == '"' ? std::string("\"\"") : std::string(1, c);
        }
        out += '"';
    }
    return out;
}

// Return a field as a quoted field reads back: "\r\n" becomes "\n".
std::string as_quoted_reads(const std::string& field) {
    std::string out;
    for (std::size_t i = 0; i < field.size(); ++i) {
        if (field[i] == '\r' && i + 1 < field.size() && field[i + 1] == '\n') {
            continue;
        }
        out += field[i];
    }
    return out;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const auto parsed = model::parse_csv_record(text);
    if (!parsed) {
        fuzz::check(!parsed.error().message.empty(), "a refusal says why");
        return 0;
    }
    fuzz::check(!parsed->empty() || text.empty(), "a non-empty text has a field");
    if (parsed->empty()) {
        return 0;
    }
    const auto again = model::parse_csv_record(quoted_record(*parsed));
    fuzz::check(again && again->size() == parsed->size(), "a record written back has its fields");
    for (std::size_t i = 0; i < parsed->size(); ++i) {
        fuzz::check((*again)[i] == as_quoted_reads((*parsed)[i]),
                    "a record written back reads the same");
    }
    return 0;
}
