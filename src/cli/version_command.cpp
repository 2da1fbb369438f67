#include "cli/version_command.hpp"

#include "cli/options.hpp"
#include "model/version.hpp"
#include "pipeline/build_info.hpp"

#include <iostream>

namespace cli {

namespace {

const char* const k_version_help = R"(Usage: pulse-agent version [--verbose]

Print the version. With --verbose also the commit it was built from, the build
type, the compiler, and the versions of the libraries it runs with now:
libgit2, libcurl (with its TLS library) and SQLite as they report themselves,
yaml-cpp and Boost.Program_options as the file names of the libraries loaded.

Examples:
  pulse-agent version
  pulse-agent version --verbose
)";

void print_verbose(const pipeline::BuildInfo& info) {
    std::cout << "pulse-agent " << info.version << "\n"
              << "commit: " << info.commit << "\n"
              << "build type: " << info.build_type << "\n"
              << "compiler: " << info.compiler << "\n";
    for (const auto& [library, version] : info.libraries) {
        std::cout << library << ": " << version << "\n";
    }
}

} // namespace

int run_version(const std::vector<std::string>& args) {
    bool verbose = false;
    po::options_description description("Options");
    description.add_options()("verbose,v", po::bool_switch(&verbose),
                              "also the build and the libraries' versions")("help,h",
                                                                            "show this help");
    const auto vm = parse(args, description);
    if (vm.count("help")) {
        std::cout << k_version_help << "\n" << description;
        return k_exit_ok;
    }
    if (verbose) {
        print_verbose(pipeline::build_info());
    } else {
        std::cout << "pulse-agent " << model::k_version << "\n";
    }
    return k_exit_ok;
}

} // namespace cli
