#pragma once

#include <expected>
#include <stdexcept>
#include <string>
#include <utility>

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

// Propagation in the manner of ccache's TRY: plain statements rather than GNU
// statement expressions, so they are ISO C++ and temporaries live as usual.
// The enclosing function returns a model::Expected; a util error converts.

// Return the error of an expected (a value, a void or a util one) when it holds one.
#define TRY(...)                                                                                   \
    do {                                                                                           \
        auto&& model_try_result_ = (__VA_ARGS__);                                                  \
        if (!model_try_result_) {                                                                  \
            return ::std::unexpected(                                                              \
                ::std::forward<decltype(model_try_result_)>(model_try_result_).error());           \
        }                                                                                          \
    } while (false)

// Return the error of the expression when it holds one, else move its value into
// `var_`, a declaration (`auto name`) or an lvalue.
#define TRY_ASSIGN(var_, ...)                                                                      \
    MODEL_TRY_ASSIGN_(MODEL_TRY_CONCAT_(model_try_, __LINE__), var_, __VA_ARGS__)

// Paste two tokens after expanding them (for a name unique to a line).
#define MODEL_TRY_CONCAT_(a_, b_) MODEL_TRY_CONCAT_IMPL_(a_, b_)
// Paste two tokens as they are.
#define MODEL_TRY_CONCAT_IMPL_(a_, b_) a_##b_

// Check the result held in `result_`, then assign its value.
#define MODEL_TRY_ASSIGN_(result_, var_, ...)                                                      \
    auto result_ = (__VA_ARGS__);                                                                  \
    if (!result_) {                                                                                \
        return ::std::unexpected(::std::move(result_).error());                                    \
    }                                                                                              \
    var_ = *::std::move(result_)
