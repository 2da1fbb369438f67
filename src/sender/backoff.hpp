#pragma once

#include <cstdint>
#include <optional>

namespace sender {

// How retries are spaced, in seconds.
struct BackoffPolicy {
    long initial = 5;
    long max = 3600;
    long max_retry_after = 3600;
};

// Return the delay before retry number `attempts` (1 = after the first
// failure): initial * 2^(attempts-1) capped at max, then "equal jitter" picks
// uniformly in [delay/2, delay] from `unit_random` in [0, 1).
long backoff_delay(const BackoffPolicy& policy, std::int64_t attempts, double unit_random);

// Return the delay to wait: the server's Retry-After when it gave one (capped
// at max_retry_after, never below 1 s), else the jittered backoff.
long retry_delay(const BackoffPolicy& policy, std::int64_t attempts,
                 std::optional<long> retry_after, double unit_random);

} // namespace sender
