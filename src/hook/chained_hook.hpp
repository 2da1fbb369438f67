#pragma once

#include <string>
#include <string_view>
#include <vector>

// The hook that was in place before ours, kept running first.
namespace hook {

// Run the chained hook with the push's input and arguments and the untouched
// environment; return its exit status (0 when it is missing or not
// executable, as git treats such a hook).
int run_chained_hook(const std::string& path, const std::vector<std::string>& args,
                     std::string_view input);

} // namespace hook
