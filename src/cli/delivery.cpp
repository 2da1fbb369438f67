#include "cli/delivery.hpp"

#include "cli/options.hpp"

#include <iostream>

namespace cli {

sender::CourierOptions courier_options(const config::Settings& settings) {
    sender::CourierOptions options;
    options.base_url = settings.base_url;
    options.api_key = settings.api_key.value_or("");
    const auto& timeouts = settings.file.timeouts;
    options.limits = {timeouts.connect, timeouts.total, timeouts.low_speed};
    const auto& retry = settings.file.retry;
    options.backoff = {retry.initial_backoff, retry.max_backoff, retry.max_retry_after};
    return options;
}

outbox::Outbox open_outbox(const config::Settings& settings) {
    return model::value_or_throw(outbox::Outbox::open(settings.outbox));
}

std::optional<sender::Report> deliver_due(const config::Settings& settings, outbox::Outbox& box,
                                          std::chrono::milliseconds lock_wait) {
    if (!settings.api_key) {
        return std::nullopt;
    }
    outbox::DeliveryLock lock(settings.outbox, lock_wait);
    if (!lock.held()) {
        return std::nullopt;
    }
    sender::Courier courier(box, courier_options(settings));
    return courier.deliver();
}

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
               const std::optional<sender::Report>& round, bool quiet) {
    const auto name = describe(e);
    if (!record || record->state == outbox::State::delivered) {
        if (!quiet) {
            std::cerr << "pulse-agent: "
                      << (was_new ? "delivered " : "already queued and delivered ") << name << "\n";
        }
        return k_exit_ok;
    }
    if (record->state == outbox::State::rejected) {
        std::cerr << "pulse-agent: error: the API rejected " << name << ": " << record->last_error
                  << "\n";
        return k_exit_rejected;
    }
    if (!was_new) {
        std::cerr << "pulse-agent: already queued " << name << "\n";
        return k_exit_ok;
    }
    if (round && round->stop == sender::Stop::configuration) {
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

int queue_and_deliver(const config::Settings& settings, std::span<const model::Envelope> events,
                      bool quiet) {
    auto box = open_outbox(settings);
    const auto queued = box.enqueue(events);
    std::optional<sender::Report> round;
    if (queued.queued > 0) {
        const auto wait = std::chrono::seconds(settings.file.timeouts.total + 5);
        round = deliver_due(settings, box, wait);
    }
    int worst = k_exit_ok;
    for (std::size_t i = 0; i < events.size(); ++i) {
        const auto& e = events[i];
        const auto record =
            box.find(e.system, model::type_name(model::type_of(e.event)), model::id_of(e.event));
        worst = std::max(worst, report_one(e, queued.inserted[i], record, round, quiet));
    }
    return worst;
}

} // namespace cli
