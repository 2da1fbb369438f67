#pragma once

#include <string>
#include <vector>

namespace cli {

// Run `pulse-agent push change|deployment|incident|git deployment ARGS`.
int run_push(const std::vector<std::string>& args);

} // namespace cli
