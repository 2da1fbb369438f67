#pragma once

#include "config/settings.hpp"

namespace cli {

// Run `status --check`: judge the outbox's health as the daemon's /healthz
// does, print one Nagios-style line and return its exit code (0 OK,
// 1 WARNING, 2 CRITICAL, 3 UNKNOWN when the config or the outbox cannot be
// read).
int check_status(const config::Overrides& overrides);

// Run `status --metrics`: print what the outbox shows in the Prometheus text
// format, or with `write` replace metrics.textfile with it.
int status_metrics(const config::Settings& settings, bool write);

} // namespace cli
