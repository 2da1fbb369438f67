// model::parse_time on arbitrary text (command-line times): it never
// crashes, and what it accepts formats back to a time it reads the same.
#include "model/time.hpp"

#include "check.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const auto parsed = model::parse_time(text);
    if (!parsed) {
        fuzz::check(!parsed.error().message.empty(), "a refusal says why");
        return 0;
    }
    // format_rfc3339 writes years 0000 to 9999 only; it clamps the rest.
    const auto formatted = model::format_rfc3339(*parsed);
    if (formatted != "0000-01-01T00:00:00Z") {
        const auto again = model::parse_time(formatted);
        fuzz::check(again && *again == *parsed, "a formatted time parses back to itself");
    }
    return 0;
}
