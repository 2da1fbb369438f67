#pragma once

#include <expected>
#include <string>

// util stands below every other floor, model included, so its failures are
// plain messages; model::Error is made from one where they cross upward.
namespace util {

// A value, or the message of why there is none.
template <typename T>
using Expected = std::expected<T, std::string>;

// Make an unexpected message, for `return fail("...")`.
inline std::unexpected<std::string> fail(std::string message) {
    return std::unexpected(std::move(message));
}

} // namespace util
