#pragma once

#include <string>
#include <vector>

namespace cli {

// Run `pulse-agent report`: the four keys over a window, from the outbox or
// straight from repositories, on the terminal, as JSON or as an HTML page.
int run_report(const std::vector<std::string>& args);

} // namespace cli
