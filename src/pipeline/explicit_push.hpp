#pragma once

#include "config/settings.hpp"
#include "model/event.hpp"
#include "outbox/outbox.hpp"
#include "pipeline/courier.hpp"

#include <optional>
#include <span>
#include <string>
#include <vector>

namespace pipeline {

// How an explicitly pushed event met the outbox.
enum class Arrival {
    // Its key was new.
    inserted,
    // Its key was known with another body, now replaced and queued again.
    updated,
    // Its key was queued with this body already (a re-run after a failure).
    requeued,
    // Delivered or parked with this body before, queued again as asked.
    resent,
    // Delivered with this body before (or pruned since): not sent again.
    delivered_before,
    // Parked with this body before: not sent again.
    parked_before,
};

// What became of events pushed explicitly.
struct Handover {
    // Per event, in input order: how it met the outbox.
    std::vector<Arrival> arrivals;
    // Per event, in input order: its record as the outbox holds it now.
    std::vector<std::optional<outbox::Record>> records;
    // The delivery round that sent them, if one ran.
    std::optional<Report> round;
    // Why no round ran although events wait ("" when one ran or none was needed).
    std::string no_round;
};

// Open or create the outbox an explicit push uses; an error, not an
// exception, when there is none to be had (read-only or unwritable place).
model::Expected<outbox::Outbox> open_push_outbox(const config::Settings& settings);

// Queue events pushed on the command line and deliver them at once, each
// deployment after its listed changes still queued, whatever their backoff,
// and nothing else of the backlog. A body that differs from the stored one
// replaces it; an identical one already delivered is sent again only when
// `resend`.
Handover push_and_deliver(const config::Settings& settings, outbox::Outbox& box,
                          std::span<const model::Envelope> events, bool resend);

// Send events once each, in order, without an outbox, stopping at the first
// retryable or configuration failure; nullopt for the events not tried.
std::vector<std::optional<Attempt>> send_directly(const config::Settings& settings,
                                                  std::span<const model::Envelope> events);

} // namespace pipeline
