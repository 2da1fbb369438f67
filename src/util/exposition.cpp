#include "util/exposition.hpp"

#include <cmath>
#include <cstdint>
#include <fmt/format.h>

namespace util {

namespace {

// Escape a HELP text (backslash, newline) or a label value (also the quote).
std::string escaped(std::string_view text, bool quote) {
    std::string out;
    out.reserve(text.size());
    for (const char c : text) {
        if (c == '\\') {
            out += "\\\\";
        } else if (c == '\n') {
            out += "\\n";
        } else if (c == '"' && quote) {
            out += "\\\"";
        } else {
            out += c;
        }
    }
    return out;
}

std::string number(double value) {
    if (std::isnan(value)) {
        return "NaN";
    }
    if (std::isinf(value)) {
        return value > 0 ? "+Inf" : "-Inf";
    }
    return fmt::format("{}", value);
}

} // namespace

void Exposition::family(std::string_view name, std::string_view type, std::string_view help) {
    m_text += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, escaped(help, false), name, type);
}

void Exposition::sample(std::string_view name, const Labels& labels, double value) {
    m_text += name;
    if (!labels.empty()) {
        m_text += '{';
        for (std::size_t i = 0; i < labels.size(); ++i) {
            m_text += fmt::format("{}{}=\"{}\"", i == 0 ? "" : ",", labels[i].first,
                                  escaped(labels[i].second, true));
        }
        m_text += '}';
    }
    m_text += ' ' + number(value) + '\n';
}

void Histogram::observe(double value) {
    for (std::size_t i = 0; i < m_bounds.size(); ++i) {
        if (value <= m_bounds[i]) {
            ++m_counts[i];
        }
    }
    ++m_total;
    m_sum += value;
}

void Exposition::histogram(std::string_view name, const Labels& labels,
                           const Histogram& histogram) {
    const std::string bucket = std::string(name) + "_bucket";
    for (std::size_t i = 0; i < histogram.bounds().size(); ++i) {
        auto with_bound = labels;
        with_bound.emplace_back("le", number(histogram.bounds()[i]));
        sample(bucket, with_bound, static_cast<double>(histogram.counts()[i]));
    }
    auto infinite = labels;
    infinite.emplace_back("le", "+Inf");
    sample(bucket, infinite, static_cast<double>(histogram.total()));
    sample(std::string(name) + "_sum", labels, histogram.sum());
    sample(std::string(name) + "_count", labels, static_cast<double>(histogram.total()));
}

} // namespace util
