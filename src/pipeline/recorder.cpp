#include "pipeline/recorder.hpp"

#include "outbox/outbox.hpp"
#include "pipeline/envelopes.hpp"

namespace pipeline {

namespace {

Recorded enqueue(const config::Settings& settings, const std::string& system,
                 const std::string& environment, std::vector<model::Event>&& events) {
    auto box = model::value_or_throw(outbox::Outbox::open(settings.outbox));
    box.wait_briefly_for_writers(k_outbox_patience);
    const auto wrapped = addressed(system, environment, std::move(events));
    return count_recorded(wrapped, box.enqueue(wrapped));
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
    TRY_ASSIGN(const auto recorded,
               record(settings, target.system, environment, std::move(derived.events)));
    return HookOutcome{recorded, derived.summary.notes};
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
    if (!recorded.delivery_problem.empty()) {
        line +=
            "; " + recorded.delivery_problem + "; the daemon or `pulse-agent flush` will deliver";
    }
    return line;
}

} // namespace pipeline
