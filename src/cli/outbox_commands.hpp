#pragma once

#include <string>
#include <vector>

namespace cli {

// Run `pulse-agent flush`: deliver what is due now.
int run_flush(const std::vector<std::string>& args);

// Run `pulse-agent outbox [list [--json] [--state S]]`: show what is queued.
int run_outbox(const std::vector<std::string>& args);

} // namespace cli
