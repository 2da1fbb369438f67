#include "cli/progress.hpp"

#include <cstdio>
#include <unistd.h>

namespace cli {

namespace {

constexpr auto k_redraw = std::chrono::milliseconds(200);

std::string seconds_text(double seconds) {
    const auto whole = static_cast<long long>(seconds + 0.5);
    return whole >= 60 ? std::to_string(whole / 60) + "m" + std::to_string(whole % 60) + "s"
                       : std::to_string(whole) + "s";
}

} // namespace

Progress::Progress(bool force) : m_enabled(force || isatty(STDERR_FILENO) == 1) {}

Progress::~Progress() {
    clear();
}

void Progress::phase(std::string label, std::optional<std::size_t> total) {
    m_label = std::move(label);
    m_total = total;
    m_start = Clock::now();
    m_last = Clock::time_point{};
}

void Progress::update(std::size_t done) {
    const auto now = Clock::now();
    if (!m_enabled || now - m_last < k_redraw) {
        return;
    }
    m_last = now;
    const double elapsed = std::chrono::duration<double>(now - m_start).count();
    const double rate = elapsed > 0 ? static_cast<double>(done) / elapsed : 0;
    std::string line = "\r\033[K" + m_label + ": " + std::to_string(done);
    if (m_total) {
        line += "/" + std::to_string(*m_total);
    }
    line += " (" + std::to_string(static_cast<long long>(rate)) + "/s";
    if (m_total && rate > 0 && *m_total >= done) {
        line += ", " + seconds_text(static_cast<double>(*m_total - done) / rate) + " left";
    }
    line += ")";
    std::fputs(line.c_str(), stderr);
    std::fflush(stderr);
    m_shown = true;
}

void Progress::clear() {
    if (m_shown) {
        std::fputs("\r\033[K", stderr);
        std::fflush(stderr);
        m_shown = false;
    }
}

} // namespace cli
