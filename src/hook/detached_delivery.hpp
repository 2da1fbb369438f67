#pragma once

#include "config/settings.hpp"
#include "model/error.hpp"

// Delivery of the outbox in a process that outlives the hook.
namespace hook {

// Start `pulse-agent hook deliver` fully detached (new session, standard
// streams on /dev/null, no other descriptor), so that git and the pushing
// client never wait for the network. It reads the same settings from the
// environment this process was given.
model::Expected<void> start_detached_delivery();

// Deliver what is due, waiting for the delivery lock if another process holds
// it; the body of `pulse-agent hook deliver`. Returns the exit code.
int deliver_in_background(const config::Settings& settings);

} // namespace hook
