#include "hook/detached_delivery.hpp"

#include "pipeline/delivery.hpp"
#include "pipeline/recorded_pushes.hpp"
#include "util/child_process.hpp"
#include "util/stop_signals.hpp"

#include <cstdlib>
#include <filesystem>
#include <iostream>

namespace hook {

namespace {

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

} // namespace

model::Expected<void> start_detached_delivery() {
    std::vector<std::string> argv{own_program(), "hook", "deliver"};
    util::DetachedStart start;
    // A local push runs the hook in the pusher's environment. A key found
    // there goes to the child through a pipe, read once and closed, and not
    // in an environment it would carry for as long as it runs.
    if (const char* key = std::getenv(k_api_key_variable); key != nullptr && *key != '\0') {
        argv.emplace_back(k_key_on_stdin_flag);
        start = {.environment = {k_api_key_variable}, .input = key};
    }
    auto started = util::spawn_detached(argv, start);
    if (!started) {
        return model::fail("could not start a background delivery: " + started.error());
    }
    return {};
}

void print_derivation(const pipeline::DerivationReport& report) {
    for (const auto& line : report.lines) {
        std::cerr << "pulse-agent: " << line << "\n";
    }
    for (const auto& problem : report.problems) {
        std::cerr << "pulse-agent: error: " << problem << "\n";
    }
}

bool deliver_in_background(const config::Settings& settings) {
    auto box = pipeline::open_outbox(settings);
    // Another process deriving now picks up our push too, unless it is about
    // to finish: wait for it rather than leave the push to the next one.
    const auto derived = pipeline::derive_recorded_pushes(settings, box, std::chrono::seconds(60));
    print_derivation(derived);
    const bool derivation_ok = derived.ran && derived.failed == 0;
    if (settings.file.hook.deliver != "background" || !settings.api_key) {
        return derivation_ok;
    }
    // A shutdown (SIGTERM) lets the requests in flight end and records their
    // answers, so that none is sent twice.
    const util::StopSignals signals;
    const auto round = pipeline::deliver_due(
        settings, box, pipeline::delivery_lock_patience(settings), false, &signals.flag());
    return round && derivation_ok;
}

} // namespace hook
