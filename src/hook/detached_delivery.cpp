#include "hook/detached_delivery.hpp"

#include "cli/delivery.hpp"
#include "hook/child_process.hpp"
#include "hook/push_derivation.hpp"

#include <filesystem>
#include <iostream>
#include <spdlog/sinks/rotating_file_sink.h>
#include <spdlog/spdlog.h>

namespace hook {

namespace {

// The hook log rotates at 5 MB, keeping 3 old files.
constexpr std::size_t k_log_size = 5 * 1024 * 1024;
constexpr std::size_t k_log_files = 3;

// Return this program's path; /proc/self/exe itself if the file was replaced
// (an upgrade) since we started, as that still runs our own binary.
std::string own_program() {
    std::error_code ec;
    const auto path = std::filesystem::read_symlink("/proc/self/exe", ec).string();
    const std::string deleted = " (deleted)";
    if (ec || path.empty() || (path.size() > deleted.size() && path.ends_with(deleted))) {
        return "/proc/self/exe";
    }
    return path;
}

// Print what a derivation did and append it to the log beside the outbox:
// run detached, this process has no terminal to tell.
void log_report(const config::Settings& settings, const DerivationReport& report) {
    for (const auto& line : report.lines) {
        std::cerr << "pulse-agent: " << line << "\n";
    }
    for (const auto& problem : report.problems) {
        std::cerr << "pulse-agent: error: " << problem << "\n";
    }
    if (report.lines.empty() && report.problems.empty()) {
        return;
    }
    try {
        auto log = spdlog::rotating_logger_st("hook", hook_log_path(settings.outbox).string(),
                                              k_log_size, k_log_files);
        for (const auto& line : report.lines) {
            log->info("{}", line);
        }
        for (const auto& problem : report.problems) {
            log->error("{}", problem);
        }
        log->flush();
        spdlog::drop("hook");
    } catch (const spdlog::spdlog_ex& e) {
        std::cerr << "pulse-agent: writing the hook log: " << e.what() << "\n";
    }
}

} // namespace

std::filesystem::path hook_log_path(const std::filesystem::path& outbox) {
    return outbox.string() + ".hook.log";
}

model::Expected<void> start_detached_delivery() {
    auto started = spawn_detached({own_program(), "hook", "deliver"});
    if (!started) {
        return model::fail("could not start a background delivery: " + started.error().message);
    }
    return {};
}

int deliver_in_background(const config::Settings& settings) {
    auto box = cli::open_outbox(settings);
    // Another process deriving now picks up our push too, unless it is about
    // to finish: wait for it rather than leave the push to the next one.
    const auto derived = derive_recorded_pushes(settings, box, std::chrono::seconds(60));
    log_report(settings, derived);
    const bool derivation_ok = derived.ran && derived.failed == 0;
    if (settings.file.hook.deliver != "background" || !settings.api_key) {
        return derivation_ok ? 0 : 1;
    }
    const auto wait = std::chrono::seconds(settings.file.timeouts.total + 5);
    const auto round = cli::deliver_due(settings, box, wait);
    return round && derivation_ok ? 0 : 1;
}

} // namespace hook
