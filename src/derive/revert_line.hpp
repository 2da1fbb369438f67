#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace derive {

// Every revert line starts with this; a history walk keeps the messages that
// contain it, so commits without it are never parsed.
inline constexpr std::string_view k_revert_marker = "This reverts commit ";

// Return the commit id, 4 to 40 hex digits in lower case, that a message's
// first revert line names: "This reverts commit X." or "This reverts commit
// X, reversing changes made to Y." (git wraps merges' lines after
// "reversing"); nullopt when no line is one.
std::optional<std::string> reverted_id(std::string_view message);

} // namespace derive
