#include "report/series.hpp"

#include <algorithm>

namespace report {

namespace {

// Count each deployment in the bucket holding it; buckets are in time order
// and cover the window, and every deployment is in the window.
void fill(std::vector<Bucket>& buckets, const std::vector<DeploymentRow>& deployments) {
    for (const auto& d : deployments) {
        const auto it =
            std::upper_bound(buckets.begin(), buckets.end(), d.time,
                             [](model::UnixSeconds t, const Bucket& b) { return t < b.from; });
        if (it == buckets.begin()) {
            continue;
        }
        auto& bucket = *std::prev(it);
        if (d.time < bucket.to) {
            ++bucket.deployments;
            bucket.failed_deployments += d.incidents > 0 ? 1 : 0;
        }
    }
}

} // namespace

model::UnixSeconds month_start(model::UnixSeconds time) {
    const auto first = model::parse_time(model::format_rfc3339(time).substr(0, 7) + "-01");
    return first ? *first : time;
}

model::UnixSeconds next_month(model::UnixSeconds time) {
    constexpr model::UnixSeconds k_beyond_a_month = 32 * k_day;
    return month_start(month_start(time) + k_beyond_a_month);
}

std::vector<Bucket> weekly(const std::vector<DeploymentRow>& deployments, const Window& window) {
    std::vector<Bucket> buckets;
    for (auto from = window.since; from < window.until; from += 7 * k_day) {
        buckets.push_back({from, std::min(from + 7 * k_day, window.until)});
    }
    fill(buckets, deployments);
    return buckets;
}

std::vector<Bucket> monthly(const std::vector<DeploymentRow>& deployments, const Window& window) {
    std::vector<Bucket> buckets;
    for (auto from = window.since; from < window.until; from = next_month(from)) {
        buckets.push_back({from, std::min(next_month(from), window.until)});
    }
    fill(buckets, deployments);
    return buckets;
}

} // namespace report
