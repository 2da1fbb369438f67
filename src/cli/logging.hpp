#pragma once

#include "config/config.hpp"

#include <string>
#include <vector>

namespace cli {

// Take --log-level LEVEL and --log-format FORMAT (or --NAME=VALUE) out of a
// command line, wherever they stand before a "--", and start logging to
// stderr as they say, or as PULSE_LOG_LEVEL and PULSE_LOG_FORMAT say; what
// neither sets waits for the config file (apply_config_logging). Throws
// UsageError on a level or format it does not know.
void start_logging(std::vector<std::string>& args);

// Apply the config file's log.level and log.format where neither the
// command line nor the environment chose.
void apply_config_logging(const config::Log& log);

} // namespace cli
