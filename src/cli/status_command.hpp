#pragma once

#include <string>
#include <vector>

namespace cli {

// Run `pulse-agent status`.
int run_status(const std::vector<std::string>& args);

} // namespace cli
