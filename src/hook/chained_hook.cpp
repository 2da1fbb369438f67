#include "hook/chained_hook.hpp"

#include "util/child_process.hpp"

#include <iostream>
#include <unistd.h>

namespace hook {

int run_chained_hook(const std::string& path, const std::vector<std::string>& args,
                     std::string_view input) {
    if (::access(path.c_str(), X_OK) != 0) {
        return 0;
    }
    std::vector<std::string> argv{path};
    argv.insert(argv.end(), args.begin(), args.end());
    auto status = util::run_with_input(argv, input);
    if (!status) {
        std::cerr << "pulse-agent: error: " << status.error() << "\n";
        return 1;
    }
    return *status;
}

} // namespace hook
