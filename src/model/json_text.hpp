#pragma once

#include <string>
#include <string_view>

namespace model {

// Append `text` to `out` as a JSON string literal, quotes included, escaped
// exactly as nlohmann::json::dump does (with invalid UTF-8 replaced by U+FFFD),
// without building a json value: bodies are written on the backfill's hot path.
void append_json_string(std::string& out, std::string_view text);

} // namespace model
