#pragma once

#include <cstdio>
#include <cstdlib>

namespace fuzz {

// Abort, which the fuzzing engine and the replay both report as a crash,
// when a property the parser promises does not hold.
inline void check(bool holds, const char* property) {
    if (!holds) {
        std::fprintf(stderr, "fuzz: property broken: %s\n", property);
        std::abort();
    }
}

} // namespace fuzz
