#pragma once

#include <string>
#include <vector>

// The `outbox` subcommands that look after the file rather than show it:
// check, recover, retry, drop, prune and backup.
namespace cli {

// Return whether `name` is one of the subcommands below.
bool is_maintenance_command(const std::string& name);

// Run `pulse-agent outbox NAME ARGS...` for one of the subcommands below.
int run_outbox_maintenance(const std::string& name, const std::vector<std::string>& args);

} // namespace cli
