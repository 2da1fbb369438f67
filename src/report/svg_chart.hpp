#pragma once

#include "report/window.hpp"

#include <string>
#include <utility>
#include <vector>

namespace report {

// A chart over the window drawn as inline SVG: time along x, a value along
// y (linear, or logarithmic for durations that span minutes to months).
// Shapes carry a <title>, which browsers show on hover with no script.
class SvgChart {
public:
    // A label at a value of the y axis.
    using Tick = std::pair<double, std::string>;

    // Start a chart of the window with y from `low` to `high`.
    SvgChart(const Window& window, double low, double high, bool logarithmic = false);

    // Label the y axis at these values, with grid lines.
    void y_ticks(const std::vector<Tick>& ticks);
    // Draw a bar from `from` to `to` rising to `value`.
    void bar(model::UnixSeconds from, model::UnixSeconds to, double value,
             const std::string& title);
    // Draw a dot.
    void dot(model::UnixSeconds at, double value, const std::string& title);
    // Draw a horizontal line across the chart, labelled at its right end.
    void level(double value, const std::string& label);
    // Draw a thick line from `from` to `to` at height `value` (at least a few
    // pixels long, so that a short one still shows).
    void span(model::UnixSeconds from, model::UnixSeconds to, double value,
              const std::string& title);
    // Return the whole <svg> element, with the time axis labelled by month.
    std::string svg(const std::string& label) const;

private:
    double x(model::UnixSeconds time) const;
    double y(double value) const;
    // Return the month labels and lines of the time axis.
    std::string time_axis() const;

    Window m_window;
    double m_low;
    double m_high;
    bool m_logarithmic;
    std::string m_body;
};

// Return `text` with &, <, >, " and ' escaped for HTML and SVG.
std::string escaped(const std::string& text);

// Return about five round whole values from 0 to at least `high` (1, 2 or 5
// times a power of ten apart), each with its label.
std::vector<SvgChart::Tick> linear_ticks(double high);

// Return the durations worth labelling between two times in seconds
// (1 min, 1 h, 1 d, 1 w, 30 d, 1 y).
std::vector<SvgChart::Tick> duration_ticks(double low, double high);

} // namespace report
