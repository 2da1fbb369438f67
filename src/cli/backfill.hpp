#pragma once

#include <string>
#include <vector>

namespace cli {

// Run `pulse-agent backfill`: derive and queue every event of repositories' history.
int run_backfill(const std::vector<std::string>& args);

} // namespace cli
