#pragma once

#include "model/error.hpp"

#include <cstdint>
#include <string_view>

namespace model {

// Parse an integer as Go's strconv.ParseInt(text, 0, 64) does (pflag's Int64
// flags): optional sign, 0x/0o/0b prefixes, a leading 0 for octal, `_`
// between digits. Fails with "invalid syntax" or "value out of range".
Expected<std::int64_t> parse_go_integer(std::string_view text);

} // namespace model
