#pragma once

#include "model/error.hpp"

#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>

namespace pulse_daemon {

// Bring a mirror up to date with `git fetch --all --prune`, in a process
// group of its own, ending the group when it outlives `timeout` or `stop`
// turns true; `keep_alive` is called while waiting.
model::Expected<void> fetch_mirror(const std::filesystem::path& repo, std::chrono::seconds timeout,
                                   const std::atomic<bool>& stop,
                                   const std::function<void()>& keep_alive);

} // namespace pulse_daemon
