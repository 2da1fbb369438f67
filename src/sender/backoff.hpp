#pragma once

#include "model/delivery_policy.hpp"

#include <cstdint>
#include <optional>

namespace sender {

// Return a random number in [0, 1) for the jitter, from a generator of
// this thread's own.
double unit_random();

// Return the delay before retry number `attempts` (1 = after the first
// failure): initial_backoff * 2^(attempts-1) capped at max_backoff, then "equal jitter" picks
// uniformly in [delay/2, delay] from `unit_random` in [0, 1).
long backoff_delay(const model::RetryPolicy& policy, std::int64_t attempts, double unit_random);

// Return the delay to wait: the server's Retry-After when it gave one (capped
// at max_retry_after, never below 1 s), else the jittered backoff.
long retry_delay(const model::RetryPolicy& policy, std::int64_t attempts,
                 std::optional<long> retry_after, double unit_random);

} // namespace sender
