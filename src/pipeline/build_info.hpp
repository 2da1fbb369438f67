#pragma once

#include <string>
#include <utility>
#include <vector>

namespace pipeline {

// What this binary is and which libraries it runs with, for `version
// --verbose` and the metrics' pulse_agent_build_info.
struct BuildInfo {
    std::string version;
    std::string commit;
    std::string build_type;
    std::string compiler;
    // (library, version) as loaded now: libgit2, libcurl, SQLite, yaml-cpp,
    // Boost.Program_options; a library that cannot be loaded says why.
    std::vector<std::pair<std::string, std::string>> libraries;
};

// Return the build's facts, loading libgit2 and libcurl to ask their versions.
BuildInfo build_info();

} // namespace pipeline
