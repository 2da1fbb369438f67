// util::parse_request_head on arbitrary bytes (what a client of the daemon's
// metrics listener sends): never a crash; a request found has an upper-case
// method and a path that starts with '/' and has no query; the answer is the
// same however the bytes were split across reads.
#include "util/http_request.hpp"

#include "check.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    const auto parsed = util::parse_request_head(bytes);
    if (parsed && *parsed) {
        const auto& request = **parsed;
        fuzz::check(!request.method.empty(), "a method is never empty");
        for (const char c : request.method) {
            fuzz::check(c >= 'A' && c <= 'Z', "a method is upper-case letters");
        }
        fuzz::check(!request.path.empty() && request.path.front() == '/', "a path starts with '/'");
        fuzz::check(request.path.find('?') == std::string::npos, "a path has no query");
    }
    // A complete head stays complete, with the same answer, when more bytes follow.
    if (parsed && *parsed) {
        const std::string longer = std::string(bytes) + "GET / HTTP/1.1\r\n\r\n";
        const auto again = util::parse_request_head(longer);
        fuzz::check(again && *again && (*again)->path == (**parsed).path,
                    "bytes after a complete head change nothing");
    }
    // A prefix of the bytes is incomplete, or already the same verdict.
    if (size > 0) {
        const auto prefix = util::parse_request_head(bytes.substr(0, size - 1));
        fuzz::check(!prefix || !*prefix || (parsed && *parsed),
                    "a prefix never holds a request the whole lacks");
    }
    return 0;
}
