#include "cli/git_deployment.hpp"

#include "model/error.hpp"

namespace cli {

int run_git_deployment(const std::vector<std::string>&) {
    throw model::Failure("run_git_deployment: not implemented yet");
}

} // namespace cli
