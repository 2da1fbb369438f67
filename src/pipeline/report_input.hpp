#pragma once

#include "config/config.hpp"
#include "model/error.hpp"
#include "model/event.hpp"
#include "outbox/outbox.hpp"

#include <cstddef>
#include <functional>
#include <string>

// Where `pulse-agent report` reads its events: the outbox, or repositories
// derived in memory with the backfill rules.
namespace pipeline {

// Called with each event read, which it must not keep a reference to.
using EventVisitor = std::function<void(const model::Envelope&)>;

// Return the event an outbox record holds, read back from its body; an error
// when the body is not one pulse-agent wrote.
model::Expected<model::Envelope> stored_event(const outbox::Record& record);

// Call `visit` with every event of the outbox, whatever its state (what was
// derived, not what was acknowledged), a few hundred in memory at a time.
// Return how many records could not be read back (skipped).
std::size_t each_stored_event(outbox::Outbox& box, const EventVisitor& visit);

// Derive a repository's whole history with the backfill rules, under its
// settings (config file, git config, defaults), writing nothing, and call
// `visit` with each event. Return the system its events are filed under.
model::Expected<std::string> each_derived_event(const config::Config& file, const std::string& path,
                                                const EventVisitor& visit);

} // namespace pipeline
