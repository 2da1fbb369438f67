#include "sender/backoff.hpp"

#include <algorithm>
#include <random>

namespace sender {

double unit_random() {
    thread_local std::mt19937_64 engine{std::random_device{}()};
    return std::uniform_real_distribution<double>(0.0, 1.0)(engine);
}

long backoff_delay(const model::RetryPolicy& policy, std::int64_t attempts, double unit_random) {
    long delay = std::max(1L, policy.initial_backoff);
    for (std::int64_t i = 1; i < attempts && delay < policy.max_backoff; ++i) {
        delay *= 2;
    }
    delay = std::min(delay, policy.max_backoff);
    const double half = static_cast<double>(delay) / 2.0;
    return std::max(1L, static_cast<long>(half + half * std::clamp(unit_random, 0.0, 1.0)));
}

long retry_delay(const model::RetryPolicy& policy, std::int64_t attempts,
                 std::optional<long> retry_after, double unit_random) {
    if (retry_after) {
        return std::clamp(*retry_after, 1L, policy.max_retry_after);
    }
    return backoff_delay(policy, attempts, unit_random);
}

} // namespace sender
