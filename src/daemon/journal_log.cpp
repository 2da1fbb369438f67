#include "daemon/journal_log.hpp"

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <string>
#include <sys/stat.h>

namespace pulse_daemon {

namespace {

// Prints the syslog priority of a line, which journald reads from "<N>".
class PriorityFlag : public spdlog::custom_flag_formatter {
public:
    void format(const spdlog::details::log_msg& msg, const std::tm&,
                spdlog::memory_buf_t& dest) override {
        const char digit = priority(msg.level);
        dest.push_back(digit);
    }

    std::unique_ptr<custom_flag_formatter> clone() const override {
        return std::make_unique<PriorityFlag>();
    }

private:
    static char priority(spdlog::level::level_enum level) {
        switch (level) {
        case spdlog::level::critical:
            return '2';
        case spdlog::level::err:
            return '3';
        case spdlog::level::warn:
            return '4';
        case spdlog::level::info:
            return '6';
        default:
            return '7';
        }
    }
};

// True when stderr is the journal stream systemd set up (device:inode match).
bool stderr_is_journal() {
    const char* stream = std::getenv("JOURNAL_STREAM");
    struct stat st;
    if (stream == nullptr || ::fstat(2, &st) != 0) {
        return false;
    }
    return std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino) == stream;
}

} // namespace

void log_to_stderr() {
    auto logger = std::make_shared<spdlog::logger>(
        "pulse-agent", std::make_shared<spdlog::sinks::stderr_sink_mt>());
    auto formatter = std::make_unique<spdlog::pattern_formatter>();
    if (stderr_is_journal()) {
        formatter->add_flag<PriorityFlag>('*').set_pattern("<%*>%v");
    } else {
        formatter->set_pattern("%Y-%m-%d %H:%M:%S %l: %v");
    }
    logger->set_formatter(std::move(formatter));
    spdlog::set_default_logger(std::move(logger));
}

} // namespace pulse_daemon
