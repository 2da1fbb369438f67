#include "cli/queue_report.hpp"

#include "cli/options.hpp"
#include "pipeline/delivery.hpp"

#include <algorithm>
#include <iostream>

namespace cli {

namespace {

std::string describe(const model::Envelope& e) {
    std::string text =
        std::string(model::type_name(model::type_of(e.event))) + " '" + model::id_of(e.event) + "'";
    if (!e.system.empty()) {
        text += " (system '" + e.system + "')";
    }
    return text;
}

// Print the fate of one event and return its exit code.
int report_one(const model::Envelope& e, bool was_new, const std::optional<outbox::Record>& record,
               const std::optional<pipeline::Report>& round, bool quiet) {
    const auto name = describe(e);
    if (!record || record->state == outbox::State::delivered) {
        if (!quiet) {
            std::cerr << "pulse-agent: "
                      << (was_new ? "delivered " : "already queued and delivered ") << name << "\n";
        }
        return k_exit_ok;
    }
    if (record->state == outbox::State::parked) {
        std::cerr << "pulse-agent: error: the API rejected " << name
                  << "; it is parked: " << record->last_error << "\n";
        return k_exit_rejected;
    }
    if (!was_new) {
        std::cerr << "pulse-agent: already queued " << name << "\n";
        return k_exit_ok;
    }
    if (round && round->stop == pipeline::Stop::configuration) {
        std::cerr << "pulse-agent: error: queued " << name
                  << ", but the API refused the configuration: " << round->problem << "\n";
        return k_exit_refused;
    }
    std::cerr << "pulse-agent: queued " << name << "; not delivered yet";
    if (round && !round->problem.empty()) {
        std::cerr << " (" << round->problem << ")";
    } else if (!round) {
        std::cerr << " (no API key configured, or another delivery is running)";
    }
    std::cerr << "; `pulse-agent flush` or the daemon will retry\n";
    return k_exit_queued;
}

} // namespace

int queue_and_report(const config::Settings& settings, std::span<const model::Envelope> events,
                     bool quiet) {
    const auto handover = pipeline::queue_and_deliver(settings, events);
    int worst = k_exit_ok;
    for (std::size_t i = 0; i < events.size(); ++i) {
        worst = std::max(worst, report_one(events[i], handover.inserted[i], handover.records[i],
                                           handover.round, quiet));
    }
    return worst;
}

} // namespace cli
