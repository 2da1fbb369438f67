#include "report/svg_chart.hpp"

#include "report/series.hpp"
#include "report/wording.hpp"

#include <algorithm>
#include <cmath>

namespace report {

namespace {

constexpr double k_width = 800;
constexpr double k_height = 240;
constexpr double k_left = 64;
constexpr double k_right = 72;
constexpr double k_top = 12;
constexpr double k_bottom = 28;
constexpr double k_shortest_span = 3;
// At most this many month labels on the time axis.
constexpr long k_month_labels = 12;

std::string number(double value) {
    return fixed(value, 1);
}

std::string titled(const std::string& shape, const std::string& title) {
    return shape + "<title>" + escaped(title) + "</title></" +
           shape.substr(1, shape.find(' ') - 1) + ">\n";
}

} // namespace

SvgChart::SvgChart(const Window& window, double low, double high, bool logarithmic)
    : m_window(window), m_low(low), m_high(high > low ? high : low + 1),
      m_logarithmic(logarithmic) {}

double SvgChart::x(model::UnixSeconds time) const {
    const double span =
        static_cast<double>(std::max<model::UnixSeconds>(m_window.until - m_window.since, 1));
    return k_left +
           (k_width - k_left - k_right) * static_cast<double>(time - m_window.since) / span;
}

double SvgChart::y(double value) const {
    const auto scaled = [this](double v) { return m_logarithmic ? std::log10(v) : v; };
    const double clamped = std::clamp(value, m_low, m_high);
    const double share = (scaled(clamped) - scaled(m_low)) / (scaled(m_high) - scaled(m_low));
    return k_height - k_bottom - share * (k_height - k_top - k_bottom);
}

void SvgChart::y_ticks(const std::vector<Tick>& ticks) {
    for (const auto& [value, label] : ticks) {
        const auto at = number(y(value));
        m_body += "<line class=\"grid\" x1=\"" + number(k_left) + "\" x2=\"" +
                  number(k_width - k_right) + "\" y1=\"" + at + "\" y2=\"" + at + "\"/>\n";
        m_body += "<text class=\"tick\" text-anchor=\"end\" x=\"" + number(k_left - 6) + "\" y=\"" +
                  number(y(value) + 4) + "\">" + escaped(label) + "</text>\n";
    }
}

void SvgChart::bar(model::UnixSeconds from, model::UnixSeconds to, double value,
                   const std::string& title) {
    const double left = x(from) + 1;
    const double width = std::max(x(to) - x(from) - 2, 1.0);
    const double top = y(value);
    m_body +=
        titled("<rect class=\"bar\" x=\"" + number(left) + "\" y=\"" + number(top) + "\" width=\"" +
                   number(width) + "\" height=\"" + number(y(m_low) - top) + "\">",
               title);
}

void SvgChart::dot(model::UnixSeconds at, double value, const std::string& title) {
    m_body += titled("<circle class=\"dot\" cx=\"" + number(x(at)) + "\" cy=\"" + number(y(value)) +
                         "\" r=\"3.5\">",
                     title);
}

void SvgChart::level(double value, const std::string& label) {
    const auto at = number(y(value));
    m_body += "<line class=\"level\" x1=\"" + number(k_left) + "\" x2=\"" +
              number(k_width - k_right) + "\" y1=\"" + at + "\" y2=\"" + at + "\"/>\n";
    m_body += "<text class=\"level-label\" x=\"" + number(k_width - k_right + 4) + "\" y=\"" +
              number(y(value) + 4) + "\">" + escaped(label) + "</text>\n";
}

void SvgChart::span(model::UnixSeconds from, model::UnixSeconds to, double value,
                    const std::string& title) {
    const double left = x(from);
    const double right = std::max(x(to), left + k_shortest_span);
    const auto at = number(y(value));
    m_body += titled("<line class=\"span\" x1=\"" + number(left) + "\" x2=\"" + number(right) +
                         "\" y1=\"" + at + "\" y2=\"" + at + "\">",
                     title);
}

std::string SvgChart::time_axis() const {
    long months = 0;
    for (auto t = next_month(m_window.since - 1); t < m_window.until; t = next_month(t)) {
        ++months;
    }
    const long step = std::max(1L, (months + k_month_labels - 1) / k_month_labels);
    std::string axis;
    long index = 0;
    for (auto t = next_month(m_window.since - 1); t < m_window.until; t = next_month(t)) {
        if (index++ % step != 0) {
            continue;
        }
        const auto at = number(x(t));
        axis += "<line class=\"grid\" x1=\"" + at + "\" x2=\"" + at + "\" y1=\"" + number(k_top) +
                "\" y2=\"" + number(k_height - k_bottom) + "\"/>\n";
        axis += "<text class=\"tick\" text-anchor=\"middle\" x=\"" + at + "\" y=\"" +
                number(k_height - 8) + "\">" + date_text(t).substr(0, 7) + "</text>\n";
    }
    return axis;
}

std::string SvgChart::svg(const std::string& label) const {
    const auto base = number(k_height - k_bottom);
    return "<svg viewBox=\"0 0 " + number(k_width) + " " + number(k_height) +
           "\" role=\"img\" aria-label=\"" + escaped(label) + "\">\n" + time_axis() + m_body +
           "<line class=\"axis\" x1=\"" + number(k_left) + "\" x2=\"" + number(k_width - k_right) +
           "\" y1=\"" + base + "\" y2=\"" + base + "\"/>\n</svg>\n";
}

std::string escaped(const std::string& text) {
    std::string out;
    out.reserve(text.size());
    for (const char c : text) {
        switch (c) {
        case '&':
            out += "&amp;";
            break;
        case '<':
            out += "&lt;";
            break;
        case '>':
            out += "&gt;";
            break;
        case '"':
            out += "&quot;";
            break;
        case '\'':
            out += "&#39;";
            break;
        default:
            out += c;
        }
    }
    return out;
}

std::vector<SvgChart::Tick> linear_ticks(double high) {
    const double limit = std::max(high, 1.0);
    const double rough = limit / 4;
    const double power = std::pow(10, std::floor(std::log10(rough)));
    double step = power;
    for (const double multiple : {1.0, 2.0, 5.0, 10.0}) {
        step = multiple * power;
        if (step >= rough) {
            break;
        }
    }
    // The values counted are whole (deployments), so no step below one.
    step = std::max(step, 1.0);
    std::vector<SvgChart::Tick> ticks;
    for (double value = 0; ticks.empty() || ticks.back().first < limit; value += step) {
        ticks.emplace_back(value, fixed(value, 0));
    }
    return ticks;
}

std::vector<SvgChart::Tick> duration_ticks(double low, double high) {
    static const std::vector<SvgChart::Tick> k_durations = {
        {60, "1 min"},        {3600, "1 h"},          {86400, "1 d"},
        {7 * 86400.0, "1 w"}, {30 * 86400.0, "30 d"}, {365 * 86400.0, "1 y"}};
    std::vector<SvgChart::Tick> ticks;
    std::copy_if(k_durations.begin(), k_durations.end(), std::back_inserter(ticks),
                 [&](const SvgChart::Tick& t) { return t.first >= low && t.first <= high; });
    return ticks;
}

} // namespace report
