#pragma once

namespace pulse_daemon {

// How log lines are written.
enum class LogFormat {
    // A line of text: "2026-01-02 10:00:00 info: message".
    text,
    // One JSON object per line: {"time": RFC 3339 with milliseconds, "level",
    // "message"}, for log shippers.
    json,
};

// Send spdlog's lines to stderr in `format`. Under journald (JOURNAL_STREAM
// names our stderr) each line starts with its <N> syslog priority, which
// journald takes off and keeps, and a text line is the bare message, since
// journald adds the time and the name.
void log_to_stderr(LogFormat format = LogFormat::text);

} // namespace pulse_daemon
