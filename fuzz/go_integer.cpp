// model::parse_go_integer on arbitrary text (--timestamp values): it never
// crashes, reads plain decimals as std::from_chars does, and what it accepts
// prints back to a decimal it reads the same.
#include "model/go_integer.hpp"

#include "check.hpp"

#include <charconv>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const auto parsed = model::parse_go_integer(text);
    std::int64_t decimal = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + size, decimal);
    const bool plain = size > 0 && text.find_first_not_of("-0123456789") == std::string_view::npos;
    const bool leading_zero = text.starts_with("0") || text.starts_with("-0");
    if (plain && !leading_zero && ec == std::errc{} && end == text.data() + size) {
        fuzz::check(parsed && *parsed == decimal, "a plain decimal reads as from_chars reads it");
    }
    if (!parsed) {
        fuzz::check(parsed.error().message == "invalid syntax" ||
                        parsed.error().message == "value out of range",
                    "a refusal gives Go's reason");
        return 0;
    }
    const auto again = model::parse_go_integer(std::to_string(*parsed));
    fuzz::check(again && *again == *parsed, "an accepted value prints back to itself");
    return 0;
}
