#include "daemon/spool_watcher.hpp"

#include "util/folder_watch.hpp"

namespace pulse_daemon {

namespace {

// How often the watcher looks up from its wait to notice a stop.
constexpr std::chrono::milliseconds k_stop_check{250};

} // namespace

SpoolWatcher::SpoolWatcher(const std::filesystem::path& folder, Signals& signals) {
    auto watch = util::FolderWatch::open(folder);
    if (!watch) {
        m_problem = watch.error();
        return;
    }
    m_thread = std::jthread([watch = std::move(*watch), &signals](std::stop_token stop) mutable {
        while (!stop.stop_requested() && !signals.stop_requested()) {
            if (watch.wait(k_stop_check)) {
                signals.nudge();
            }
        }
    });
}

SpoolWatcher::~SpoolWatcher() {
    m_thread.request_stop();
}

} // namespace pulse_daemon
