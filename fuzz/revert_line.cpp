// derive::reverted_id on arbitrary bytes (commit messages anyone can write):
// never a crash; an id it returns is 4 to 40 lower-case hex digits that the
// message spells after the marker; git's own line, added after the input,
// is always found.
#include "derive/revert_line.hpp"

#include "check.hpp"

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace {

bool is_lower_hex(const std::string& id) {
    return std::all_of(id.begin(), id.end(),
                       [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

std::string lowered(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    if (const auto id = derive::reverted_id(input)) {
        fuzz::check(id->size() >= 4 && id->size() <= 40, "an id has 4 to 40 digits");
        fuzz::check(is_lower_hex(*id), "an id is lower-case hex");
        const auto marked = lowered(std::string(derive::k_revert_marker)) + *id;
        fuzz::check(lowered(input).find(marked) != std::string::npos,
                    "the message spells the id after the marker");
    }
    const std::string with_line = std::string(input) + "\nThis reverts commit 0123abcd.\n";
    fuzz::check(derive::reverted_id(with_line).has_value(), "git's line is found after any text");
    return 0;
}
