#include "util/shared_library.hpp"

#include <cstring>
#include <doctest/doctest.h>
#include <stdexcept>
#include <string>

TEST_SUITE("util::SharedLibrary") {
    TEST_CASE("a library's functions are resolved by name, typed by the caller") {
        const auto libc = util::SharedLibrary::open("libc.so.6", "libc6");
        REQUIRE(libc.has_value());
        decltype(&std::strlen) length = nullptr;
        libc->resolve("strlen", length);
        REQUIRE(static_cast<bool>(length));
        CHECK(length("pulse") == 5);
    }

    TEST_CASE("a missing symbol is an error naming the library and the symbol") {
        const auto libc = util::SharedLibrary::open("libc.so.6", "libc6");
        REQUIRE(libc.has_value());
        void (*missing)() = nullptr;
        CHECK_THROWS_WITH_AS(libc->resolve("pulse_no_such_function", missing),
                             "loading libc.so.6: no symbol pulse_no_such_function "
                             "(too old a version?)",
                             std::runtime_error);
    }

    TEST_CASE("a library that is not there is an error naming the package to install") {
        const auto missing = util::SharedLibrary::open("libpulse-none.so.9", "libpulse-none9");
        REQUIRE(!missing.has_value());
        const auto& message = missing.error();
        CHECK(message.starts_with("loading libpulse-none.so.9: "));
        CHECK(message.ends_with(" (install the libpulse-none9 package)"));
    }
}
