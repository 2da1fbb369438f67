#pragma once

#include <string>
#include <vector>

namespace cli {

// Run `pulse-agent watch`, the polling daemon, in the foreground.
int run_watch(const std::vector<std::string>& args);

} // namespace cli
