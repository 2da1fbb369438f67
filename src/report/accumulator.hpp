#pragma once

#include "model/event.hpp"
#include "report/measurements.hpp"
#include "report/report.hpp"

#include <cstddef>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

namespace report {

// Takes events one at a time, in any order, and keeps only what the keys
// need: every change's time (a change listed in the window may be older than
// it), every deployment's time (an incident is charged to the last one before
// it), the changes listed by deployments in the window, and the window's
// incidents. Then works out the report.
class Accumulator {
public:
    // Report on `window`; with `systems`, on those systems only (each shown
    // even when it has no event).
    explicit Accumulator(Window window, const std::vector<std::string>& systems = {});

    // Take one event.
    void add(const model::Envelope& envelope);

    // Return the report on the events taken so far.
    Report report() const;

private:
    // A deployment as kept: its changes only when it is in the window.
    struct Kept {
        std::string id;
        model::UnixSeconds time = 0;
        std::vector<std::string> changes;
    };

    // What is kept of one system.
    struct SystemEvents {
        std::unordered_map<std::string, model::UnixSeconds> change_times;
        std::vector<Kept> deployments;
        std::vector<model::Incident> incidents;
    };

    // Return the events kept for a system, or null when it is filtered out.
    SystemEvents* events_of(const std::string& system);
    // Return the row of a deployment in the window, adding its changes' lead
    // times (or their absence) to `measured`.
    DeploymentRow row_of(const std::string& system, const Kept& kept, const SystemEvents& events,
                         Measurements& measured) const;
    // Return one system's measurements over the window.
    Measurements measure(const std::string& system, const SystemEvents& events) const;

    Window m_window;
    bool m_filtered = false;
    std::map<std::string, SystemEvents> m_systems;
};

} // namespace report
