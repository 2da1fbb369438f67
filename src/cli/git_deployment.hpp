#pragma once

#include <string>
#include <vector>

namespace cli {

// Run `pulse-agent push git deployment`: the Go CLI's git helper.
int run_git_deployment(const std::vector<std::string>& args);

} // namespace cli
