#pragma once

#include "daemon/signals.hpp"

#include <filesystem>
#include <string>
#include <thread>

namespace pulse_daemon {

// A thread that nudges the daemon as soon as a hook drops a push in the
// spool, so that the push is derived within a second rather than at the next
// poll. Without inotify (or without the folder) the polls still take it.
class SpoolWatcher {
public:
    // Start watching `folder`; problem() says why not when it cannot.
    SpoolWatcher(const std::filesystem::path& folder, Signals& signals);
    ~SpoolWatcher();
    SpoolWatcher(const SpoolWatcher&) = delete;
    SpoolWatcher& operator=(const SpoolWatcher&) = delete;

    // Return why the spool is not watched, or "" when it is.
    const std::string& problem() const { return m_problem; }

private:
    std::string m_problem;
    std::jthread m_thread;
};

} // namespace pulse_daemon
