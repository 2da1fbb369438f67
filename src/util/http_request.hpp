#pragma once

#include "util/expected.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace util {

// The head of an HTTP/1.x request, as far as a metrics responder needs it.
struct HttpRequest {
    // GET, HEAD, POST, ...: upper-case letters.
    std::string method;
    // The path, without the query string ("/metrics").
    std::string path;
};

// The most bytes a request head may take; a longer one is refused.
inline constexpr std::size_t k_max_request_head = 8192;

// Parse the head of a request (request line and header lines, up to the
// empty line; a bare LF ends a line too) from the bytes read so far: nullopt
// while it is incomplete, an error when it can never be a request (a
// malformed line, an HTTP version other than 1.0 or 1.1, a head over
// k_max_request_head). Header values are checked for shape and ignored.
Expected<std::optional<HttpRequest>> parse_request_head(std::string_view bytes);

} // namespace util
