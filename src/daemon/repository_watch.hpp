#pragma once

#include "config/settings.hpp"
#include "daemon/ref_fingerprint.hpp"
#include "model/refs.hpp"
#include "outbox/outbox.hpp"
#include "pipeline/poll.hpp"
#include "pipeline/repository_settings.hpp"

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>

namespace pulse_daemon {

// Where a poll writes, and what it derives with.
struct PollContext {
    outbox::Outbox& box;
    const config::Settings& settings;
};

// What one poll of a repository did.
struct PollResult {
    // Events the outbox did not have yet.
    std::size_t queued = 0;
    // Why the poll failed, "" when it did not.
    std::string error;
};

// One watched repository: its last committed snapshot, kept in memory between
// polls, and a fingerprint that spares re-reading refs that did not move.
class RepositoryWatch {
public:
    // Watch the repository at an absolute path; its snapshot loads on first poll.
    explicit RepositoryWatch(std::filesystem::path path);

    // Compare the refs with the snapshot and queue the events of what changed
    // together with the new snapshot, in one transaction; on first sight,
    // record a baseline (or backfill, when the config asks for it).
    PollResult poll(PollContext& context);

    // Resolve the repository's settings again at the next change (a reload).
    void forget_settings();

    // Return the repository's path, absolute.
    const std::filesystem::path& path() const { return m_path; }

private:
    // Read the refs unless the fingerprint vouches for them; return events queued.
    model::Expected<std::size_t> read_and_record(PollContext& context);
    // Return the repository's system and policy, resolved once per config.
    model::Expected<pipeline::RepositorySettings> resolve(const config::Settings& settings,
                                                          const git::Repository& repo);
    // Record what changed since the snapshot (on first sight, the baseline);
    // return events queued.
    model::Expected<std::size_t> record(PollContext& context, git::Repository& repo,
                                        model::RefSnapshot refs);
    // Log what a poll recorded.
    void log_record(const pipeline::PollRecord& record, std::size_t refs, bool backfill) const;
    // Return whether the refs need not be read: unchanged fingerprint, recent read.
    bool fingerprint_vouches(const RefFingerprint& current) const;

    std::filesystem::path m_path;
    std::optional<pipeline::RepositorySettings> m_resolved;
    bool m_loaded = false;
    // The snapshot as last committed; nullopt until the first sight is recorded.
    std::optional<model::RefSnapshot> m_snapshot;
    RefFingerprint m_fingerprint;
    std::chrono::steady_clock::time_point m_last_read;
};

} // namespace pulse_daemon
