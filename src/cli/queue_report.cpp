#include "cli/queue_report.hpp"

#include "cli/options.hpp"
#include "pipeline/delivery.hpp"
#include "pipeline/explicit_push.hpp"

#include <algorithm>
#include <iostream>

namespace cli {

namespace {

using pipeline::Arrival;

std::string describe(const model::Envelope& e) {
    std::string text =
        std::string(model::type_name(model::type_of(e.event))) + " '" + model::id_of(e.event) + "'";
    if (!e.system.empty()) {
        text += " (system '" + e.system + "')";
    }
    return text;
}

// Return the words for an event the API has now acknowledged.
std::string delivered_words(Arrival arrival) {
    switch (arrival) {
    case Arrival::updated:
        return "updated and delivered ";
    case Arrival::requeued:
        return "delivered (queued before) ";
    case Arrival::resent:
        return "delivered again ";
    case Arrival::delivered_before:
        return "already delivered ";
    default:
        return "delivered ";
    }
}

// Return why an event that should have gone is still queued.
std::string reason_queued(const pipeline::Handover& handover) {
    if (handover.round && !handover.round->problem.empty()) {
        return handover.round->problem;
    }
    return handover.no_round.empty() ? "not tried" : handover.no_round;
}

// Print the fate of one event and return its exit code.
int report_one(const model::Envelope& e, Arrival arrival,
               const std::optional<outbox::Record>& record, const pipeline::Handover& handover,
               bool quiet) {
    const auto name = describe(e);
    if (!record || record->state == outbox::State::delivered) {
        if (!quiet) {
            std::cerr << "pulse-agent: " << delivered_words(arrival) << name << "\n";
        }
        return k_exit_ok;
    }
    if (record->state == outbox::State::parked) {
        std::cerr << "pulse-agent: error: the API rejected " << name
                  << (arrival == Arrival::parked_before ? " before" : "")
                  << "; it is parked: " << record->last_error << "\n";
        return k_exit_rejected;
    }
    const auto verb = arrival == Arrival::updated ? "updated " : "queued ";
    if (handover.round && handover.round->stop == pipeline::Stop::configuration) {
        std::cerr << "pulse-agent: error: " << verb << name
                  << ", but the API refused the configuration: " << handover.round->problem << "\n";
        return k_exit_refused;
    }
    std::cerr << "pulse-agent: " << verb << name << "; not delivered yet ("
              << reason_queued(handover) << "); `pulse-agent flush` or the daemon will retry\n";
    return k_exit_queued;
}

// Print the fate of one event sent without an outbox and return its exit code.
int report_direct(const model::Envelope& e, const std::optional<pipeline::Attempt>& attempt,
                  bool quiet) {
    const auto name = describe(e);
    if (!attempt) {
        std::cerr << "pulse-agent: not sent " << name << ": an event before it failed\n";
        return k_exit_queued;
    }
    switch (attempt->outcome) {
    case pipeline::Outcome::delivered:
        if (!quiet) {
            std::cerr << "pulse-agent: delivered " << name << "\n";
        }
        return k_exit_ok;
    case pipeline::Outcome::rejected:
        std::cerr << "pulse-agent: error: the API rejected " << name << ": " << attempt->problem
                  << "\n";
        return k_exit_rejected;
    case pipeline::Outcome::configuration:
        std::cerr << "pulse-agent: error: the API refused the configuration: " << attempt->problem
                  << "\n";
        return k_exit_refused;
    case pipeline::Outcome::retry:
        break;
    }
    std::cerr << "pulse-agent: not delivered " << name << " (" << attempt->problem
              << "); nothing was kept: run the push again\n";
    return k_exit_queued;
}

int send_and_report(const config::Settings& settings, std::span<const model::Envelope> events,
                    bool quiet) {
    if (!settings.api_key) {
        throw model::Failure("no outbox and no API key: nothing can be sent nor kept");
    }
    const auto attempts = pipeline::send_directly(settings, events);
    int worst = k_exit_ok;
    for (std::size_t i = 0; i < events.size(); ++i) {
        worst = std::max(worst, report_direct(events[i], attempts[i], quiet));
    }
    return worst;
}

} // namespace

int queue_and_report(const config::Settings& settings, std::span<const model::Envelope> events,
                     bool resend, bool quiet) {
    // A mistyped --outbox is the user's mistake to hear about, not a reason
    // to send without one.
    if (auto ready = pipeline::outbox_folder_ready(settings); !ready) {
        throw model::Failure(ready.error().message);
    }
    auto box = pipeline::open_push_outbox(settings);
    if (!box) {
        // As the Go CLI does: a CI job with a read-only home still delivers.
        std::cerr << "pulse-agent: no outbox (" << box.error().message
                  << "); sending directly, nothing is kept for a retry\n";
        return send_and_report(settings, events, quiet);
    }
    const auto handover = pipeline::push_and_deliver(settings, *box, events, resend);
    int worst = k_exit_ok;
    for (std::size_t i = 0; i < events.size(); ++i) {
        worst = std::max(worst, report_one(events[i], handover.arrivals[i], handover.records[i],
                                           handover, quiet));
    }
    return worst;
}

} // namespace cli
