#include "pipeline/build_info.hpp"

#include "git/library_version.hpp"
#include "model/version.hpp"
#include "outbox/database.hpp"
#include "sender/curl_version.hpp"
#include "util/loaded_library.hpp"

#include <exception>
#include <functional>

namespace pipeline {

namespace {

// Return what `ask` says, or why it could not say it.
std::string asked(const std::function<std::string()>& ask) {
    try {
        return ask();
    } catch (const std::exception& e) {
        return std::string("not loaded: ") + e.what();
    }
}

// Return the loaded file of a library that has no version call: its name
// carries the version Debian built ("libyaml-cpp.so.0.7.0").
std::string loaded_file(const char* prefix) {
    return util::loaded_library(prefix).value_or("not loaded");
}

} // namespace

BuildInfo build_info() {
    BuildInfo info{model::k_version, model::k_commit, model::k_build_type, model::k_compiler, {}};
    info.libraries = {
        {"libgit2", asked(git::libgit2_version)},
        {"libcurl", asked(sender::curl_version)},
        {"sqlite", outbox::sqlite_version()},
        {"yaml-cpp", loaded_file("libyaml-cpp.so")},
        {"boost", loaded_file("libboost_program_options.so")},
    };
    return info;
}

} // namespace pipeline
