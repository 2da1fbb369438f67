#include "daemon/watch.hpp"

#include "model/error.hpp"

namespace watch {

int run_watch(const std::vector<std::string>&) {
    throw model::Failure("run_watch: not implemented yet");
}

} // namespace watch
