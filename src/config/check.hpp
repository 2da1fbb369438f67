#pragma once

#include "config/config.hpp"
#include "util/user_access.hpp"

#include <filesystem>
#include <vector>

// `pulse-agent config check`: a config file judged before any command uses it.
namespace config {

// Check a config file as `config check` does: every problem of its keys (as
// any command would refuse them), then what it names outside itself, as
// `account` (the user who will run the service) finds it: the file itself
// and its API key file readable (errors), repository paths or globs that
// match no repository and trusted owners with no account (warnings). Fails
// only when this process cannot read the file at all.
model::Expected<std::vector<Problem>> check_config_file(const std::filesystem::path& path,
                                                        const util::Account& account);

} // namespace config
