#include "hook/hook_command.hpp"

#include "model/error.hpp"

namespace hook {

int run_hook(const std::vector<std::string>&) {
    throw model::Failure("run_hook: not implemented yet");
}

} // namespace hook
