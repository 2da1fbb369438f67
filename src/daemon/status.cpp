#include "daemon/status.hpp"

#include "model/error.hpp"

namespace watch {

int run_status(const std::vector<std::string>&) {
    throw model::Failure("run_status: not implemented yet");
}

} // namespace watch
