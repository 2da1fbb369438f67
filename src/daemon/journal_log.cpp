#include "daemon/journal_log.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fmt/format.h>
#include <memory>
#include <nlohmann/json.hpp>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <string>
#include <sys/stat.h>

namespace pulse_daemon {

namespace {

// Return the syslog priority of a level, which journald reads from "<N>".
char priority(spdlog::level::level_enum level) {
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

// Prints the syslog priority of a line.
class PriorityFlag : public spdlog::custom_flag_formatter {
public:
    void format(const spdlog::details::log_msg& msg, const std::tm&,
                spdlog::memory_buf_t& dest) override {
        dest.push_back(priority(msg.level));
    }

    std::unique_ptr<custom_flag_formatter> clone() const override {
        return std::make_unique<PriorityFlag>();
    }
};

// Writes each line as one JSON object, after its priority under journald.
class JsonFormatter : public spdlog::formatter {
public:
    explicit JsonFormatter(bool journal) : m_journal(journal) {}

    void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
        if (m_journal) {
            dest.append(std::string_view{"<"});
            dest.push_back(priority(msg.level));
            dest.push_back('>');
        }
        const auto level = spdlog::level::to_string_view(msg.level);
        const nlohmann::ordered_json line = {
            {"time", timestamp(msg.time)},
            {"level", std::string(level.data(), level.size())},
            {"message", std::string(msg.payload.data(), msg.payload.size())},
        };
        // A message may quote bytes that are not UTF-8 (a path, an answer):
        // each invalid byte becomes U+FFFD rather than ending the line.
        const auto text =
            line.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
        dest.append(std::string_view(text));
        dest.push_back('\n');
    }

    std::unique_ptr<spdlog::formatter> clone() const override {
        return std::make_unique<JsonFormatter>(m_journal);
    }

private:
    // Return the time in UTC, RFC 3339 with milliseconds.
    static std::string timestamp(spdlog::log_clock::time_point time) {
        const auto ms =
            std::chrono::duration_cast<std::chrono::milliseconds>(time.time_since_epoch()).count();
        const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
        std::tm utc{};
        gmtime_r(&seconds, &utc);
        char text[32];
        const auto n = std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &utc);
        return fmt::format("{}.{:03d}Z", std::string_view(text, n), static_cast<int>(ms % 1000));
    }

    bool m_journal;
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

void log_to_stderr(LogFormat format) {
    auto logger = std::make_shared<spdlog::logger>(
        "pulse-agent", std::make_shared<spdlog::sinks::stderr_sink_mt>());
    const bool journal = stderr_is_journal();
    if (format == LogFormat::json) {
        logger->set_formatter(std::make_unique<JsonFormatter>(journal));
    } else {
        auto formatter = std::make_unique<spdlog::pattern_formatter>();
        if (journal) {
            formatter->add_flag<PriorityFlag>('*').set_pattern("<%*>%v");
        } else {
            formatter->set_pattern("%Y-%m-%d %H:%M:%S %l: %v");
        }
        logger->set_formatter(std::move(formatter));
    }
    logger->set_level(spdlog::get_level());
    spdlog::set_default_logger(std::move(logger));
}

} // namespace pulse_daemon
