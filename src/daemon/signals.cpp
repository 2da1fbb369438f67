#include "daemon/signals.hpp"

#include <csignal>
#include <cstring>
#include <pthread.h>
#include <time.h>

namespace pulse_daemon {

namespace {

sigset_t watched_signals() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGHUP);
    return set;
}

} // namespace

Signals::Signals() {
    const auto set = watched_signals();
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
    std::signal(SIGPIPE, SIG_IGN);
    m_thread = std::thread([this] { take_signals(); });
}

Signals::~Signals() {
    m_done = true;
    m_thread.join();
}

void Signals::take_signals() {
    const auto set = watched_signals();
    // Wake up now and then to notice m_done; a signal ends the wait at once.
    const timespec tick{0, 200'000'000};
    while (!m_done) {
        const int signal = sigtimedwait(&set, nullptr, &tick);
        if (signal == SIGHUP) {
            raise_flag(m_reload, signal);
        } else if (signal == SIGTERM || signal == SIGINT) {
            raise_flag(m_stop, signal);
        }
    }
}

void Signals::raise_flag(std::atomic<bool>& flag, int signal) {
    {
        std::lock_guard lock(m_mutex);
        if (&flag == &m_stop && m_stop_signal == 0) {
            m_stop_signal = signal;
        }
        flag = true;
    }
    m_wake.notify_all();
}

std::string Signals::stop_signal() const {
    const int signal = m_stop_signal.load();
    return signal == 0 ? std::string() : std::string("SIG") + sigabbrev_np(signal);
}

void Signals::request_stop() {
    {
        std::lock_guard lock(m_mutex);
        m_stop = true;
    }
    m_wake.notify_all();
}

bool Signals::take_reload() {
    return m_reload.exchange(false);
}

void Signals::nudge() {
    {
        std::lock_guard lock(m_mutex);
        m_nudged = true;
    }
    m_wake.notify_all();
}

bool Signals::take_nudge() {
    return m_nudged.exchange(false);
}

void Signals::wait_until(Clock::time_point deadline) {
    std::unique_lock lock(m_mutex);
    m_wake.wait_until(lock, deadline,
                      [this] { return m_stop.load() || m_reload.load() || m_nudged.load(); });
}

} // namespace pulse_daemon
