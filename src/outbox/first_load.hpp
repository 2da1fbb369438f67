#pragma once

#include "model/event.hpp"
#include "outbox/outbox.hpp"

#include <filesystem>
#include <optional>
#include <span>
#include <string_view>

namespace outbox {

// Create the outbox at `path`, which does not exist yet, holding `events` of
// one system and environment: the first backfill into a new outbox. The file
// is built beside it without a journal, switched to WAL, synced and linked
// into place at once, so the events are written once and synced once,
// instead of written to the WAL, synced, copied into the database and synced
// again; a WAL a removed outbox left there is moved aside (create_once). The
// temporary file has a name of its own, and is locked while it is built so
// that a later first load removes it if this process dies. Returns nothing,
// and leaves no file behind, when `path` exists or another process creates it
// meanwhile: queue into it as usual then.
std::optional<EnqueueResult> create_with_events(const std::filesystem::path& path,
                                                std::string_view system,
                                                std::string_view environment,
                                                std::span<const model::Event> events,
                                                const EnqueueProgress& progress = {});

} // namespace outbox
