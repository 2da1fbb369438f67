#pragma once

#include "outbox/outbox.hpp"
#include "pipeline/build_info.hpp"
#include "util/exposition.hpp"

namespace pipeline {

// Add what the outbox shows to a metrics text: events queued, delivered and
// parked by system and type, the queue's depth and age, how long delivery
// has been failing, the deliveries of the last minutes, the repositories
// watched and failing, the recorded pushes waiting and parked.
void append_outbox_metrics(util::Exposition& text, outbox::Outbox& box, model::UnixSeconds now);

// Add pulse_agent_build_info: 1, labelled with the version, the commit and
// the libraries' versions.
void append_build_info(util::Exposition& text, const BuildInfo& info);

} // namespace pipeline
