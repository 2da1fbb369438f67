#pragma once

#include "config/settings.hpp"
#include "model/event.hpp"
#include "outbox/delivery_lock.hpp"
#include "outbox/outbox.hpp"
#include "sender/courier.hpp"

#include <chrono>
#include <optional>
#include <span>

namespace cli {

// Return the courier options the settings describe.
sender::CourierOptions courier_options(const config::Settings& settings);

// Open the outbox the settings name.
outbox::Outbox open_outbox(const config::Settings& settings);

// Deliver what is due under the delivery lock; nullopt when there is no API
// key or another process kept the lock for longer than `lock_wait`.
std::optional<sender::Report> deliver_due(const config::Settings& settings, outbox::Outbox& box,
                                          std::chrono::milliseconds lock_wait);

// Queue events, deliver at once when an API key is set, print one line per
// outcome on stderr, and return the exit code for the worst outcome.
int queue_and_deliver(const config::Settings& settings, std::span<const model::Envelope> events,
                      bool quiet = false);

} // namespace cli
