#include "util/loaded_library.hpp"

#include <algorithm>
#include <doctest/doctest.h>

TEST_SUITE("util::loaded_library") {
    TEST_CASE("a linked library is named by its real file, versioned") {
        // The test binary links yaml-cpp (through pulse_core), as pulse-agent does.
        const auto name = util::loaded_library("libyaml-cpp.so");
        REQUIRE(name);
        CHECK(name->starts_with("libyaml-cpp.so."));
        CHECK(name->find('/') == std::string::npos);
        // The real file, not the soname link: major.minor.patch.
        CHECK(std::count(name->begin(), name->end(), '.') >= 4);
    }

    TEST_CASE("a library that is not loaded is nullopt") {
        CHECK_FALSE(util::loaded_library("libnot-a-library-pulse.so"));
    }
}
