#include "util/http_request.hpp"

#include <algorithm>
#include <cctype>
#include <vector>

namespace util {

namespace {

// Return the head's lines, without line ends, up to the empty line that ends
// it; nullopt when that line has not arrived yet.
std::optional<std::vector<std::string_view>> head_lines(std::string_view bytes) {
    std::vector<std::string_view> lines;
    for (std::size_t start = 0;;) {
        const auto end = bytes.find('\n', start);
        if (end == std::string_view::npos) {
            return std::nullopt;
        }
        auto line = bytes.substr(start, end - start);
        if (!line.empty() && line.back() == '\r') {
            line.remove_suffix(1);
        }
        // Empty lines before the request line are to be ignored (RFC 9112 2.2).
        if (line.empty() && !lines.empty()) {
            return lines;
        }
        if (!line.empty()) {
            lines.push_back(line);
        }
        start = end + 1;
    }
}

bool is_token_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) ||
           std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

Expected<HttpRequest> request_line(std::string_view line) {
    const auto first = line.find(' ');
    const auto last = line.rfind(' ');
    if (first == std::string_view::npos || first == last) {
        return fail("malformed request line");
    }
    const auto method = line.substr(0, first);
    const auto target = line.substr(first + 1, last - first - 1);
    const auto version = line.substr(last + 1);
    if (method.empty() ||
        !std::all_of(method.begin(), method.end(), [](char c) { return c >= 'A' && c <= 'Z'; })) {
        return fail("malformed method");
    }
    if (target.empty() || target.front() != '/' ||
        !std::all_of(target.begin(), target.end(), [](char c) { return c > ' ' && c < 127; })) {
        return fail("malformed request target");
    }
    if (version != "HTTP/1.1" && version != "HTTP/1.0") {
        return fail("unsupported HTTP version");
    }
    return HttpRequest{std::string(method), std::string(target.substr(0, target.find('?')))};
}

bool header_line(std::string_view line) {
    const auto colon = line.find(':');
    if (colon == 0 || colon == std::string_view::npos) {
        return false;
    }
    const auto name = line.substr(0, colon);
    const auto value = line.substr(colon + 1);
    return std::all_of(name.begin(), name.end(), is_token_char) &&
           std::all_of(value.begin(), value.end(),
                       [](char c) { return c == '\t' || static_cast<unsigned char>(c) >= ' '; });
}

} // namespace

Expected<std::optional<HttpRequest>> parse_request_head(std::string_view bytes) {
    const auto lines = head_lines(bytes.substr(0, std::min(bytes.size(), k_max_request_head)));
    if (!lines) {
        if (bytes.size() >= k_max_request_head) {
            return fail("request head too large");
        }
        return std::optional<HttpRequest>();
    }
    auto request = request_line(lines->front());
    if (!request) {
        return fail(request.error());
    }
    for (std::size_t i = 1; i < lines->size(); ++i) {
        if (!header_line((*lines)[i])) {
            return fail("malformed header line");
        }
    }
    return std::optional<HttpRequest>(std::move(*request));
}

} // namespace util
