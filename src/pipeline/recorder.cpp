#include "pipeline/recorder.hpp"

#include "outbox/outbox.hpp"
#include "pipeline/envelopes.hpp"
#include "pipeline/spool_intake.hpp"
#include "spool/record.hpp"
#include "spool/spool.hpp"

namespace pipeline {

namespace {

Recorded enqueue(const config::Settings& settings, const std::string& system,
                 const std::string& environment, std::vector<model::Event>&& events) {
    auto box = model::value_or_throw(outbox::Outbox::open(settings.outbox));
    box.wait_briefly_for_writers(k_outbox_patience);
    const auto wrapped = addressed(system, environment, std::move(events));
    return count_recorded(wrapped, box.enqueue(wrapped));
}

// Hand changes the outbox could not take (another process held it past the
// hook's patience) to the spool, where `hook deliver` or `flush` queue them.
model::Expected<Recorded> spool_changes(const config::Settings& settings,
                                        const std::filesystem::path& git_dir,
                                        const std::string& system, const std::string& environment,
                                        const std::vector<model::Event>& events) {
    spool::PushRecord record{.git_dir = git_dir.string(),
                             .updates = "",
                             .pushed_at = model::now(),
                             .pusher = "",
                             .changes = {},
                             .system = system,
                             .environment = environment};
    for (const auto& event : events) {
        const auto* change = std::get_if<model::Change>(&event);
        if (change == nullptr) {
            return model::fail("only changes wait in the spool");
        }
        record.changes.push_back({change->id, change->time});
    }
    if (spool_is_private(settings)) {
        TRY(spool::create_private_folder(settings.spool));
    }
    TRY(spool::Spool(settings.spool).drop(spool::encode(record)));
    Recorded recorded;
    recorded.changes = events.size();
    recorded.spooled = true;
    return recorded;
}

std::string counted(std::size_t n, const char* one, const char* many) {
    return std::to_string(n) + " " + (n == 1 ? one : many);
}

} // namespace

Recorded count_recorded(const std::vector<model::Envelope>& wrapped,
                        const outbox::EnqueueResult& result) {
    Recorded recorded;
    recorded.duplicates = result.duplicates;
    for (std::size_t i = 0; i < wrapped.size(); ++i) {
        if (result.inserted[i]) {
            const auto type = model::type_of(wrapped[i].event);
            ++(type == model::EventType::change       ? recorded.changes
               : type == model::EventType::deployment ? recorded.deployments
                                                      : recorded.incidents);
        }
    }
    return recorded;
}

model::Expected<Recorded> record(const config::Settings& settings, const std::string& system,
                                 const std::string& environment, std::vector<model::Event> events) {
    if (events.empty()) {
        return Recorded{};
    }
    Recorded recorded;
    try {
        recorded = enqueue(settings, system, environment, std::move(events));
    } catch (const model::Failure& e) {
        return model::fail(e.what());
    }
    return recorded;
}

model::Expected<HookOutcome> record_push(const config::Settings& settings,
                                         const std::filesystem::path& git_dir,
                                         const std::string& environment,
                                         const DerivePush& derive_push) {
    TRY_ASSIGN(auto repo, git::Repository::open(git_dir));
    TRY_ASSIGN(const auto target, pipeline::resolve_repository(settings.file, repo));
    TRY_ASSIGN(auto derived, derive_push(repo, target));
    auto recorded = record(settings, target.system, environment, derived.events);
    if (!recorded) {
        auto spooled = spool_changes(settings, git_dir, target.system, environment, derived.events);
        if (!spooled) {
            return model::fail(recorded.error().message +
                               "; and the spool: " + spooled.error().message);
        }
        recorded = std::move(spooled);
    }
    return HookOutcome{*recorded, derived.summary.notes};
}

std::optional<std::string> summary_line(const Recorded& recorded,
                                        const std::vector<std::string>& notes,
                                        const std::string& pusher) {
    if (recorded.changes + recorded.deployments + recorded.incidents == 0 && notes.empty() &&
        recorded.delivery_problem.empty()) {
        return std::nullopt;
    }
    std::string line = "pulse-agent: queued " + counted(recorded.changes, "change", "changes") +
                       ", " + counted(recorded.deployments, "deployment", "deployments");
    if (recorded.incidents > 0) {
        line += ", " + counted(recorded.incidents, "incident", "incidents");
    }
    if (!pusher.empty()) {
        line += " (push by " + pusher + ")";
    }
    for (const auto& note : notes) {
        line += "; " + note;
    }
    if (recorded.spooled) {
        line += "; the outbox was busy, so they wait in the spool";
    }
    if (!recorded.delivery_problem.empty()) {
        line +=
            "; " + recorded.delivery_problem + "; the daemon or `pulse-agent flush` will deliver";
    }
    return line;
}

} // namespace pipeline
