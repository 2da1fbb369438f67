#pragma once

#include "util/expected.hpp"

#include <filesystem>
#include <string_view>

namespace util {

// Replace the file at `path` with `content` so that a reader sees the old
// file or the new one, never a part: written to a temporary in the same
// folder, fsynced, given `mode`, renamed over `path`, the folder fsynced.
Expected<void> replace_file(const std::filesystem::path& path, std::string_view content,
                            unsigned mode = 0644);

} // namespace util
