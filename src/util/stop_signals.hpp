#pragma once

#include <atomic>

namespace util {

// SIGTERM and SIGINT turned into a flag for a command that must end cleanly
// (a flush letting its requests in flight finish): the first signal sets the
// flag, a second one ends the process as the signal would. Restores the
// previous handlers when destroyed. One at a time per process.
class StopSignals {
public:
    // Take SIGTERM and SIGINT.
    StopSignals();
    ~StopSignals();
    StopSignals(const StopSignals&) = delete;
    StopSignals& operator=(const StopSignals&) = delete;

    // Return the flag the first signal sets.
    const std::atomic<bool>& flag() const;
};

} // namespace util
