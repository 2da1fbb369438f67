#pragma once

#include <cstddef>
#include <string>
#include <string_view>

// What the config reader checks in the file's text itself, below yaml-cpp.
namespace config {

// Return where a quoted scalar starting at `open` ends (past its closing quote),
// or npos: yaml-cpp runs an unterminated quote to the end of the file.
std::size_t quote_end(std::string_view text, std::size_t open);

// Return a URL's scheme in lower case, empty when it has none.
std::string scheme_of(const std::string& url);

} // namespace config
