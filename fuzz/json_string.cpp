// model::append_json_string on arbitrary bytes (ref names, messages and
// paths come from pushers): the result is always one valid JSON string,
// equal to what nlohmann::json::dump writes with invalid UTF-8 replaced,
// and it reads back as the input whenever the input is valid UTF-8.
#include "check.hpp"
#include "model/json_text.hpp"

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

namespace {

// Return whether nlohmann's strict dump, which throws on invalid UTF-8, accepts text.
bool is_utf8(const std::string& text) {
    try {
        nlohmann::json(text).dump();
        return true;
    } catch (const nlohmann::json::type_error&) {
        return false;
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    std::string quoted = "[";
    model::append_json_string(quoted, text);
    quoted += "]";
    const auto parsed = nlohmann::json::parse(quoted, nullptr, false);
    fuzz::check(!parsed.is_discarded(), "the output is valid JSON");
    fuzz::check(parsed.size() == 1 && parsed[0].is_string(), "the output is one string");
    const auto replaced =
        nlohmann::json(text).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    fuzz::check(quoted.substr(1, quoted.size() - 2) == replaced, "nlohmann writes the same");
    if (is_utf8(text)) {
        fuzz::check(parsed[0].get<std::string>() == text, "valid UTF-8 reads back unchanged");
    }
    return 0;
}
