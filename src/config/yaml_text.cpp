#include "config/yaml_text.hpp"

#include <algorithm>
#include <cctype>

namespace config {

std::size_t quote_end(std::string_view text, std::size_t open) {
    const char quote = text[open];
    for (std::size_t i = open + 1; i < text.size(); ++i) {
        if (quote == '"' && text[i] == '\\') {
            ++i;
        } else if (text[i] == quote) {
            if (quote == '\'' && i + 1 < text.size() && text[i + 1] == '\'') {
                ++i;
                continue;
            }
            return i + 1;
        }
    }
    return std::string_view::npos;
}

std::string scheme_of(const std::string& url) {
    const auto end = url.find("://");
    std::string scheme = end == std::string::npos ? "" : url.substr(0, end);
    std::transform(scheme.begin(), scheme.end(), scheme.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return scheme;
}

} // namespace config
