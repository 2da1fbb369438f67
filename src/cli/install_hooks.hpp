#pragma once

#include <string>
#include <vector>

namespace cli {

// Run `pulse-agent install-hooks`.
int run_install_hooks(const std::vector<std::string>& args);

// Run `pulse-agent uninstall-hooks`: restore exactly what was there.
int run_uninstall_hooks(const std::vector<std::string>& args);

} // namespace cli
