#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>

namespace cli {

// A one-line progress display on stderr, shown only when stderr is a
// terminal, redrawn at most a few times a second.
class Progress {
public:
    // Show progress when stderr is a terminal (or `force`).
    explicit Progress(bool force = false);
    ~Progress();
    Progress(const Progress&) = delete;
    Progress& operator=(const Progress&) = delete;

    // Start a new phase ("reading history", "queueing").
    void phase(std::string label, std::optional<std::size_t> total = std::nullopt);

    // Report how far the phase is: count, rate and, with a total, an ETA.
    void update(std::size_t done);

    // Erase the line, before a normal message is printed.
    void clear();

    // Return whether anything is shown at all.
    bool enabled() const { return m_enabled; }

private:
    using Clock = std::chrono::steady_clock;
    bool m_enabled;
    bool m_shown = false;
    std::string m_label;
    std::optional<std::size_t> m_total;
    Clock::time_point m_start;
    Clock::time_point m_last;
};

} // namespace cli
