#pragma once

namespace pulse_daemon {

// Send spdlog's lines to stderr: under journald (JOURNAL_STREAM names our
// stderr) as bare messages with a <N> priority prefix, since journald adds
// the time and the name; on a terminal with the time and the level.
void log_to_stderr();

} // namespace pulse_daemon
