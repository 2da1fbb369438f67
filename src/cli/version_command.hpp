#pragma once

#include <string>
#include <vector>

namespace cli {

// Run `pulse-agent version [--verbose]`.
int run_version(const std::vector<std::string>& args);

} // namespace cli
