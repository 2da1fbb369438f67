#include "report/window.hpp"

namespace report {

namespace {

constexpr model::UnixSeconds k_default_days = 90;

} // namespace

Window default_window(model::UnixSeconds now) {
    return {now - k_default_days * k_day, now};
}

bool contains(const Window& window, model::UnixSeconds time) {
    return window.since <= time && time < window.until;
}

double days_in(const Window& window) {
    return static_cast<double>(window.until - window.since) / static_cast<double>(k_day);
}

} // namespace report
