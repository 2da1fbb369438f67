#include "report/accumulator.hpp"

#include "report/measurements.hpp"
#include "report/statistics.hpp"

#include <algorithm>

namespace report {

namespace {

template <class... Ts>
struct Overloaded : Ts... {
    using Ts::operator()...;
};

// A deployment's place in its system's history, for charging incidents.
struct Slot {
    model::UnixSeconds time = 0;
    std::size_t index = 0;
};

// Return the deployments of a system oldest first; equal times keep the
// order the events came in, so "the last" of them is the last one taken.
template <class Kept>
std::vector<Slot> in_time_order(const std::vector<Kept>& deployments) {
    std::vector<Slot> slots;
    slots.reserve(deployments.size());
    for (std::size_t i = 0; i < deployments.size(); ++i) {
        slots.push_back({deployments[i].time, i});
    }
    std::stable_sort(slots.begin(), slots.end(),
                     [](const Slot& a, const Slot& b) { return a.time < b.time; });
    return slots;
}

// Return the index of the last deployment at or before `time`, if any.
std::optional<std::size_t> charged_deployment(const std::vector<Slot>& slots,
                                              model::UnixSeconds time) {
    const auto after =
        std::upper_bound(slots.begin(), slots.end(), time,
                         [](model::UnixSeconds t, const Slot& s) { return t < s.time; });
    if (after == slots.begin()) {
        return std::nullopt;
    }
    return std::prev(after)->index;
}

} // namespace

Accumulator::Accumulator(Window window, const std::vector<std::string>& systems)
    : m_window(window), m_filtered(!systems.empty()) {
    for (const auto& system : systems) {
        m_systems.try_emplace(system);
    }
}

Accumulator::SystemEvents* Accumulator::events_of(const std::string& system) {
    if (!m_filtered) {
        return &m_systems[system];
    }
    const auto it = m_systems.find(system);
    return it == m_systems.end() ? nullptr : &it->second;
}

void Accumulator::add(const model::Envelope& envelope) {
    auto* events = events_of(envelope.system);
    if (events == nullptr) {
        return;
    }
    std::visit(Overloaded{[&](const model::Change& c) { events->change_times[c.id] = c.time; },
                          [&](const model::Deployment& d) {
                              auto changes = contains(m_window, d.time)
                                                 ? d.changes
                                                 : std::vector<std::string>{};
                              events->deployments.push_back({d.id, d.time, std::move(changes)});
                          },
                          [&](const model::Incident& i) {
                              if (contains(m_window, i.created)) {
                                  events->incidents.push_back(i);
                              }
                          }},
               envelope.event);
}

DeploymentRow Accumulator::row_of(const std::string& system, const Kept& kept,
                                  const SystemEvents& events, Measurements& measured) const {
    DeploymentRow row{system, kept.id, kept.time};
    std::vector<double> leads;
    for (const auto& change : kept.changes) {
        const auto found = events.change_times.find(change);
        if (found == events.change_times.end()) {
            ++measured.changes_without_event;
            continue;
        }
        leads.push_back(static_cast<double>(kept.time - found->second));
    }
    row.changes = leads.size();
    if (!leads.empty()) {
        measured.lead_times.insert(measured.lead_times.end(), leads.begin(), leads.end());
        std::sort(leads.begin(), leads.end());
        row.median_lead_time = quantile(leads, 0.5);
    }
    return row;
}

Measurements Accumulator::measure(const std::string& system, const SystemEvents& events) const {
    Measurements measured;
    // Where each kept deployment's row is, for the incidents charged to it.
    std::vector<std::optional<std::size_t>> rows(events.deployments.size());
    for (std::size_t i = 0; i < events.deployments.size(); ++i) {
        if (contains(m_window, events.deployments[i].time)) {
            rows[i] = measured.deployments.size();
            measured.deployments.push_back(row_of(system, events.deployments[i], events, measured));
        }
    }
    const auto slots = in_time_order(events.deployments);
    for (const auto& incident : events.incidents) {
        IncidentRow row{system, incident.id, incident.created, incident.resolved, std::nullopt};
        if (const auto charged = charged_deployment(slots, incident.created)) {
            row.charged_to = events.deployments[*charged].id;
            if (rows[*charged]) {
                ++measured.deployments[*rows[*charged]].incidents;
            } else {
                ++measured.incidents_charged_before_window;
            }
        }
        measured.incidents.push_back(std::move(row));
    }
    return measured;
}

Report Accumulator::report() const {
    Report result{m_window};
    Measurements all;
    for (const auto& [system, events] : m_systems) {
        auto measured = measure(system, events);
        merge(all, measured);
        result.systems.push_back(keys_of(system, std::move(measured), m_window));
    }
    result.total = keys_of("", std::move(all), m_window);
    return result;
}

} // namespace report
