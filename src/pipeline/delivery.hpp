#pragma once

#include "config/settings.hpp"
#include "model/event.hpp"
#include "outbox/outbox.hpp"
#include "pipeline/courier.hpp"
#include "util/file_lock.hpp"

#include <chrono>
#include <optional>
#include <span>
#include <vector>

namespace pipeline {

// Return the courier options the settings describe.
CourierOptions courier_options(const config::Settings& settings);

// Fail unless the outbox's folder exists or is the default state folder,
// which writers make: a mistyped --outbox is an error, never a `mkdir -p`.
model::Expected<void> outbox_folder_ready(const config::Settings& settings);

// Open the outbox the settings name, creating it (in an existing folder, or
// the default one).
outbox::Outbox open_outbox(const config::Settings& settings);

// Open the outbox the settings name for reading, creating nothing: an error
// when there is none yet.
outbox::Outbox open_outbox_to_read(const config::Settings& settings);

// Compact delivered events older than `delivered_days` and remove recorded
// pushes parked before then (outbox::Outbox::prune), now.
outbox::Pruned prune_outbox(outbox::Outbox& box, long delivered_days);

// Prune like prune_outbox, unless the last prune of this outbox (by any
// process) was less than an hour ago; for loops that deliver again and again.
model::Expected<void> prune_now_and_then(outbox::Outbox& box, long delivered_days);

// Return how long to wait for another process's delivery round to end: one
// request's whole timeout, and a margin.
std::chrono::milliseconds delivery_lock_patience(const config::Settings& settings);

// Deliver what is due (everything queued, backoff or not, when
// `ignore_backoff`) under the delivery lock, until `stop` (when not null)
// turns true; nullopt when there is no API key or another process kept the
// lock for longer than `lock_wait`.
std::optional<Report> deliver_due(const config::Settings& settings, outbox::Outbox& box,
                                  std::chrono::milliseconds lock_wait, bool ignore_backoff = false,
                                  const std::atomic<bool>* stop = nullptr);

} // namespace pipeline
