#include "model/shared_library.hpp"

#include <cstring>
#include <doctest/doctest.h>
#include <string>

TEST_SUITE("model::SharedLibrary") {
    TEST_CASE("a library's functions are resolved by name, typed by the caller") {
        const auto libc = model::SharedLibrary::open("libc.so.6", "libc6");
        REQUIRE(libc.has_value());
        decltype(&std::strlen) length = nullptr;
        libc->resolve("strlen", length);
        REQUIRE(static_cast<bool>(length));
        CHECK(length("pulse") == 5);
    }

    TEST_CASE("a missing symbol is an error naming the library and the symbol") {
        const auto libc = model::SharedLibrary::open("libc.so.6", "libc6");
        REQUIRE(libc.has_value());
        void (*missing)() = nullptr;
        CHECK_THROWS_WITH_AS(libc->resolve("pulse_no_such_function", missing),
                             "loading libc.so.6: no symbol pulse_no_such_function "
                             "(too old a version?)",
                             model::Failure);
    }

    TEST_CASE("a library that is not there is an error naming the package to install") {
        const auto missing = model::SharedLibrary::open("libpulse-none.so.9", "libpulse-none9");
        REQUIRE(!missing.has_value());
        const auto& message = missing.error().message;
        CHECK(message.starts_with("loading libpulse-none.so.9: "));
        CHECK(message.ends_with(" (install the libpulse-none9 package)"));
    }
}
