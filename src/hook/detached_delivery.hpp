#pragma once

#include "config/settings.hpp"
#include "model/error.hpp"
#include "pipeline/recorded_pushes.hpp"

// The work a hook hands to a process that outlives it: deriving the pushes
// it recorded and delivering the outbox.
namespace hook {

// The variable that holds the API key, and the flag of `hook deliver` that
// takes it on standard input instead.
inline constexpr const char* k_api_key_variable = "PULSE_API_KEY";
inline constexpr const char* k_key_on_stdin_flag = "--api-key-stdin";

// Start `pulse-agent hook deliver` fully detached (new session, standard
// streams on /dev/null, no other descriptor), so that git and the pushing
// client never wait for libgit2 or the network. It reads the same settings
// from the environment this process was given, except the API key, which it
// is handed on its standard input (with k_key_on_stdin_flag) when our
// environment holds one.
model::Expected<void> start_detached_delivery();

// Derive every recorded push, then, with hook.deliver: background and an API
// key, deliver what is due, waiting for the locks if another process holds
// them; the body of `pulse-agent hook deliver`. Prints what the derivation
// did on stderr; returns whether everything went through.
bool deliver_in_background(const config::Settings& settings);

// Print a derivation's lines and problems on stderr (flush, `hook deliver`).
void print_derivation(const pipeline::DerivationReport& report);

} // namespace hook
