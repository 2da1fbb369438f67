#pragma once

#include "config/settings.hpp"
#include "model/error.hpp"

// The work a hook hands to a process that outlives it: deriving the pushes
// it recorded and delivering the outbox.
namespace hook {

// Start `pulse-agent hook deliver` fully detached (new session, standard
// streams on /dev/null, no other descriptor), so that git and the pushing
// client never wait for libgit2 or the network. It reads the same settings
// from the environment this process was given.
model::Expected<void> start_detached_delivery();

// Derive every recorded push, then, with hook.deliver: background and an API
// key, deliver what is due, waiting for the locks if another process holds
// them; the body of `pulse-agent hook deliver`. Prints what the derivation
// did on stderr and returns the exit code (1 when something failed).
int deliver_in_background(const config::Settings& settings);

} // namespace hook
