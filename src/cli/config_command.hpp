#pragma once

#include <string>
#include <vector>

namespace cli {

// Run `pulse-agent config check`.
int run_config(const std::vector<std::string>& args);

} // namespace cli
