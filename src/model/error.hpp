#pragma once

#include <expected>
#include <stdexcept>
#include <string>

namespace model {

// A failure a caller can act on, carried as a value until the edge prints it.
struct Error {
    Error() = default;
    // Take a plain message, as the util floor returns them.
    Error(std::string text) : message(std::move(text)) {}

    std::string message;
};

template <typename T>
using Expected = std::expected<T, Error>;

// Make an unexpected Error from a message, for `return fail("...")`.
inline std::unexpected<Error> fail(std::string message) {
    return std::unexpected(Error{std::move(message)});
}

// The one exception type of the project, thrown only where an Error has to
// cross a boundary that cannot return it (constructors, the CLI's edge).
class Failure : public std::runtime_error {
public:
    explicit Failure(const Error& error) : std::runtime_error(error.message) {}
    explicit Failure(const std::string& message) : std::runtime_error(message) {}
};

// Return the value or throw the error as a Failure.
template <typename T>
T value_or_throw(Expected<T> result) {
    if (!result) {
        throw Failure(result.error());
    }
    return std::move(*result);
}

// Return the value or throw the message as a Failure (a util result).
template <typename T>
T value_or_throw(std::expected<T, std::string> result) {
    if (!result) {
        throw Failure(result.error());
    }
    return std::move(*result);
}

} // namespace model
