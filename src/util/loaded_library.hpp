#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace util {

// Return the real file name (symbolic links resolved, folder dropped) of the
// shared library this process has loaded whose name starts with `prefix`
// ("libyaml-cpp.so" gives "libyaml-cpp.so.0.7.0"); nullopt when none is
// loaded. For libraries that have no call that tells their version.
std::optional<std::string> loaded_library(std::string_view prefix);

} // namespace util
