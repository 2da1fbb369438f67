#include "pipeline/poll.hpp"

#include "derive/deployment_times.hpp"
#include "pipeline/envelopes.hpp"
#include "pipeline/repository_history.hpp"

namespace pipeline {

namespace {

// Return the events of the updates, each deployment timed no earlier than
// the changes it ships that were queued before.
model::Expected<derive::Derived> derive_updates(outbox::Outbox& box, git::Repository& repo,
                                                const Poll& poll, const PollRecord& record,
                                                const derive::Policy& policy) {
    RepositoryHistory history(repo);
    auto derived = derive::updates(*poll.before, record.updates, history, policy, poll.now);
    if (derived) {
        derive::raise_deployment_times(derived->events, [&box, &record](const std::string& id) {
            return box.change_time(record.system, id);
        });
        derive::time_incidents(derived->events, derived->incident_spans,
                               [&box, &record](const std::string& id) {
                                   return box.deployment_time(record.system, id);
                               });
    }
    return derived;
}

// Return a first sight's events: the whole history when asked, else none.
model::Expected<derive::Derived> derive_first_sight(git::Repository& repo, const Poll& poll,
                                                    const derive::Policy& policy) {
    if (!poll.backfill_on_first_sight) {
        return derive::Derived{};
    }
    RepositoryHistory history(repo);
    return derive::backfill(*poll.after, history, policy, {});
}

} // namespace

model::Expected<PollRecord> record_poll(outbox::Outbox& box, git::Repository& repo,
                                        const Poll& poll, const SettingsSource& settings) {
    PollRecord record;
    if (poll.before != nullptr) {
        record.updates = derive::diff_refs(*poll.before, *poll.after);
        if (record.updates.empty()) {
            return record;
        }
    }
    TRY_ASSIGN(const auto resolved, settings());
    record.system = resolved.system;
    TRY_ASSIGN(record.derived, poll.before != nullptr
                                   ? derive_updates(box, repo, poll, record, resolved.policy)
                                   : derive_first_sight(repo, poll, resolved.policy));
    // The log names the events, so they are copied rather than moved.
    auto events = record.derived.events;
    const auto envelopes = addressed(record.system, k_daemon_environment, std::move(events));
    record.result =
        box.commit_poll({poll.path, record.system, poll.before, poll.after, poll.now}, envelopes);
    return record;
}

} // namespace pipeline
