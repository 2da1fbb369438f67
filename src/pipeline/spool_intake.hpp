#pragma once

#include "config/settings.hpp"
#include "outbox/outbox.hpp"

#include <cstddef>
#include <string>
#include <vector>

// Taking the pushes hooks dropped in the spool into the outbox, where they
// wait to be derived like any recorded push (recorded_pushes.hpp).
namespace pipeline {

// What one intake did.
struct IntakeReport {
    // Pushes moved into the outbox (a push already there counts too).
    std::size_t taken = 0;
    // Records set aside as unreadable or untrusted, one line each.
    std::vector<std::string> problems;
};

// A spooled push's time is its hook's clock, trusted this far before the
// file landed: a hook writes its record within milliseconds of the push, and
// a record claiming to be older is a wrong clock or a forgery.
inline constexpr model::UnixSeconds k_spool_clock_slack = 300;

// Move every spooled push into the outbox's recorded pushes (and queue the
// changes pre-push spooled while the outbox was busy), in the order they landed, each in a
// transaction of its own and removed from the spool after it commits. A record is set aside (kept
// as `<name>.bad`) when it cannot be read or when its writer neither owns its repository nor is
// root nor this process's user: the kernel, not the record, says who wrote it.
IntakeReport take_spooled_pushes(const config::Settings& settings, outbox::Outbox& box);

// Return whether `settings.spool` is the folder beside the outbox that the
// single-user layout creates on first use (not one an admin configured).
bool spool_is_private(const config::Settings& settings);

} // namespace pipeline
