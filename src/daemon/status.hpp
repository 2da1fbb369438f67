#pragma once

#include <string>
#include <vector>

namespace watch {

// Run `pulse-agent status`.
int run_status(const std::vector<std::string>& args);

} // namespace watch
