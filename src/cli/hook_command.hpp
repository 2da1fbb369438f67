#pragma once

#include <string>
#include <vector>

namespace cli {

// Run `pulse-agent hook post-receive|pre-push`; always returns 0.
int run_hook(const std::vector<std::string>& args);

} // namespace cli
