#include "daemon/repository_watch.hpp"

#include "git/repository.hpp"

#include <ctime>
#include <spdlog/spdlog.h>

namespace pulse_daemon {

namespace {

using Clock = std::chrono::steady_clock;

// Read refs in full now and then even when their fingerprint says nothing
// moved, in case something rewrote a ref file in place.
constexpr auto k_full_read_every = std::chrono::minutes(5);

std::string describe_update(const derive::RefUpdate& update) {
    if (update.old_id.empty()) {
        return update.name + " created";
    }
    if (update.new_id.empty()) {
        return update.name + " deleted";
    }
    return update.name + " " + update.old_id.substr(0, 7) + ".." + update.new_id.substr(0, 7);
}

std::string describe_updates(const std::vector<derive::RefUpdate>& updates) {
    constexpr std::size_t k_listed = 3;
    std::string text;
    for (std::size_t i = 0; i < updates.size() && i < k_listed; ++i) {
        text += (i ? ", " : "") + describe_update(updates[i]);
    }
    if (updates.size() > k_listed) {
        text += " and " + std::to_string(updates.size() - k_listed) + " more refs";
    }
    return text;
}

std::string describe_events(const derive::Derived& derived, const outbox::EnqueueResult& result) {
    std::size_t changes = 0;
    std::string deployments;
    for (std::size_t i = 0; i < derived.events.size(); ++i) {
        if (!result.inserted[i]) {
            continue;
        }
        const auto& event = derived.events[i];
        if (model::type_of(event) == model::EventType::change) {
            ++changes;
        } else {
            deployments += (deployments.empty() ? "" : ", ") + model::id_of(event);
        }
    }
    std::string text = std::to_string(changes) + (changes == 1 ? " change" : " changes");
    if (!deployments.empty()) {
        text += ", deployment " + deployments;
    }
    if (result.duplicates > 0) {
        text += " (" + std::to_string(result.duplicates) + " already queued before)";
    }
    return text;
}

} // namespace

RepositoryWatch::RepositoryWatch(std::filesystem::path path) : m_path(std::move(path)) {}

void RepositoryWatch::forget_settings() {
    m_resolved.reset();
}

PollResult RepositoryWatch::poll(PollContext& context) {
    try {
        auto queued = read_and_record(context);
        if (!queued) {
            return {0, queued.error().message};
        }
        return {*queued, ""};
    } catch (const model::Failure& e) {
        return {0, e.what()};
    }
}

bool RepositoryWatch::fingerprint_vouches(const RefFingerprint& current) const {
    return m_snapshot && vouches_unchanged(m_fingerprint, current) &&
           Clock::now() - m_last_read < k_full_read_every;
}

model::Expected<std::size_t> RepositoryWatch::read_and_record(PollContext& context) {
    if (!m_loaded) {
        m_snapshot = context.box.repositories().snapshot(m_path.string());
        m_loaded = true;
    }
    const auto fingerprint = fingerprint_refs(m_path, std::time(nullptr));
    if (fingerprint_vouches(fingerprint)) {
        return 0;
    }
    TRY_ASSIGN(auto repo, git::Repository::open(m_path));
    // New changes are timed at first sight and a first-sight backfill by
    // committer time, so no author times: a commit-graph answers the walks.
    repo.set_walk_options({.progress = {}, .author_times = false, .message_marker = {}});
    TRY_ASSIGN(auto refs, repo.refs());
    auto queued = record(context, repo, derive::branch_and_tag_refs(std::move(refs)));
    if (queued) {
        m_fingerprint = fingerprint;
        m_last_read = Clock::now();
    }
    return queued;
}

model::Expected<pipeline::RepositorySettings>
RepositoryWatch::resolve(const config::Settings& settings, const git::Repository& repo) {
    if (!m_resolved) {
        // The hooks' own resolution, so that both file events under one system.
        TRY_ASSIGN(m_resolved, pipeline::resolve_repository(settings.file, repo));
    }
    return *m_resolved;
}

model::Expected<std::size_t> RepositoryWatch::record(PollContext& context, git::Repository& repo,
                                                     model::RefSnapshot refs) {
    const pipeline::Poll poll{m_path.string(), m_snapshot ? &*m_snapshot : nullptr, &refs,
                              context.settings.file.watch.backfill_on_first_sight, model::now()};
    TRY_ASSIGN(const auto recorded, pipeline::record_poll(context.box, repo, poll, [&] {
                   return resolve(context.settings, repo);
               }));
    if (recorded.system.empty()) {
        return 0;
    }
    log_record(recorded, refs.size(), poll.backfill_on_first_sight);
    m_snapshot = std::move(refs);
    return recorded.result.queued;
}

void RepositoryWatch::log_record(const pipeline::PollRecord& record, std::size_t refs,
                                 bool backfill) const {
    const auto events = describe_events(record.derived, record.result);
    if (!m_snapshot) {
        spdlog::info("{}: first sight (system '{}'): {} ref{} recorded as the baseline, {}",
                     m_path.string(), record.system, refs, refs == 1 ? "" : "s",
                     backfill ? "backfill queued " + events
                              : std::string("nothing older is reported"));
    } else {
        spdlog::info("{}: {}: queued {}", m_path.string(), describe_updates(record.updates),
                     events);
    }
    for (const auto& note : record.derived.summary.notes) {
        spdlog::info("{}: {}", m_path.string(), note);
    }
}

} // namespace pulse_daemon
