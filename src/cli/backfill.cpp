#include "cli/backfill.hpp"

#include "model/error.hpp"

namespace cli {

int run_backfill(const std::vector<std::string>&) {
    throw model::Failure("run_backfill: not implemented yet");
}

} // namespace cli
