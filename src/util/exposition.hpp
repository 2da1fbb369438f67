#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace util {

// A metric's labels, in the order they are written.
using Labels = std::vector<std::pair<std::string, std::string>>;

// Observations counted into buckets, as a Prometheus histogram keeps them.
class Histogram {
public:
    // Count observations at most each of `bounds` (ascending) seconds.
    explicit Histogram(std::vector<double> bounds)
        : m_bounds(std::move(bounds)), m_counts(m_bounds.size(), 0) {}

    // Count one observation.
    void observe(double value);

    const std::vector<double>& bounds() const { return m_bounds; }
    // Return the cumulative count of each bucket.
    const std::vector<std::uint64_t>& counts() const { return m_counts; }
    std::uint64_t total() const { return m_total; }
    double sum() const { return m_sum; }

private:
    std::vector<double> m_bounds;
    std::vector<std::uint64_t> m_counts;
    std::uint64_t m_total = 0;
    double m_sum = 0;
};

// Builds a text in the Prometheus exposition format (version 0.0.4): each
// family's # HELP and # TYPE once, then its samples, label values escaped.
class Exposition {
public:
    // Start a family: `type` is counter, gauge or histogram.
    void family(std::string_view name, std::string_view type, std::string_view help);
    // Add a sample of the current family (`name` may carry a suffix such as
    // _bucket); values are written in the shortest form that reads back exact.
    void sample(std::string_view name, const Labels& labels, double value);
    // Add a histogram's samples: its buckets, +Inf, _sum and _count.
    void histogram(std::string_view name, const Labels& labels, const Histogram& histogram);

    // Return the text so far.
    const std::string& text() const { return m_text; }

private:
    std::string m_text;
};

// The content type of the exposition format, for an HTTP answer.
inline constexpr const char* k_exposition_type = "text/plain; version=0.0.4; charset=utf-8";

} // namespace util
