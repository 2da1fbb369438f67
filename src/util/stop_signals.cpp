#include "util/stop_signals.hpp"

#include <csignal>

namespace util {

namespace {

std::atomic<bool> g_stop{false};
struct sigaction g_previous_term {};
struct sigaction g_previous_int {};

void take(int signal) {
    if (g_stop.exchange(true)) {
        // Asked twice: stop now, the way the signal would have.
        std::signal(signal, SIG_DFL);
        std::raise(signal);
    }
}

} // namespace

StopSignals::StopSignals() {
    g_stop = false;
    struct sigaction action {};
    action.sa_handler = take;
    sigemptyset(&action.sa_mask);
    sigaction(SIGTERM, &action, &g_previous_term);
    sigaction(SIGINT, &action, &g_previous_int);
}

StopSignals::~StopSignals() {
    sigaction(SIGTERM, &g_previous_term, nullptr);
    sigaction(SIGINT, &g_previous_int, nullptr);
}

const std::atomic<bool>& StopSignals::flag() const {
    return g_stop;
}

} // namespace util
