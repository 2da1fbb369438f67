#include "hook/install.hpp"

#include "model/error.hpp"

namespace hook {

int run_install_hooks(const std::vector<std::string>&) {
    throw model::Failure("run_install_hooks: not implemented yet");
}

int run_uninstall_hooks(const std::vector<std::string>&) {
    throw model::Failure("run_uninstall_hooks: not implemented yet");
}

} // namespace hook
