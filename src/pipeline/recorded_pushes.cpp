#include "pipeline/recorded_pushes.hpp"

#include "derive/deployment_times.hpp"
#include "derive/derive.hpp"
#include "derive/hook_input.hpp"
#include "git/repository.hpp"
#include "outbox/files.hpp"
#include "outbox/push_queue.hpp"
#include "pipeline/envelopes.hpp"
#include "pipeline/recorder.hpp"
#include "pipeline/repository_history.hpp"
#include "pipeline/repository_settings.hpp"
#include "pipeline/spool_intake.hpp"
#include "sender/backoff.hpp"
#include "util/file_lock.hpp"

#include <algorithm>
#include <iostream>
#include <spdlog/sinks/rotating_file_sink.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>

namespace pipeline {

namespace {

// The hook log rotates at 5 MB, keeping 3 old files.
constexpr std::size_t k_log_size = 5 * 1024 * 1024;
constexpr std::size_t k_log_files = 3;

// A recorded push, derived, with the system its events go under.
struct DerivedPush {
    std::string system;
    derive::Derived derived;
};

model::Expected<std::vector<derive::RefUpdate>> updates_of(const outbox::RecordedPush& push) {
    auto updates = derive::parse_post_receive(push.updates);
    if (!updates) {
        return model::fail("recorded push " + std::to_string(push.seq) + ": " +
                           updates.error().message);
    }
    return updates;
}

// Return the refs as they stood right after `push` landed: the current ones
// with every push recorded after it undone, newest first.
model::Expected<model::RefSnapshot> refs_after(git::Repository& repo, outbox::PushQueue& queue,
                                               const outbox::RecordedPush& push,
                                               const derive::Policy& policy) {
    // Only release tags need peeling: branches are commits (the walk drops
    // one that is not) and other refs play no part.
    TRY_ASSIGN(auto refs, repo.refs([&policy](const std::string& name) {
        return derive::matches_release_pattern(policy, name);
    }));
    auto later = queue.later(push.git_dir, push.seq);
    std::reverse(later.begin(), later.end());
    for (const auto& next : later) {
        TRY_ASSIGN(const auto updates, updates_of(next));
        RepositoryHistory history(repo);
        TRY_ASSIGN(refs, derive::refs_before(std::move(refs), updates, history));
    }
    return refs;
}

model::Expected<DerivedPush> derive_push(const config::Settings& settings, outbox::PushQueue& queue,
                                         const outbox::RecordedPush& push) {
    auto updates = updates_of(push);
    auto repo = git::Repository::open(push.git_dir);
    TRY(updates);
    TRY(repo);
    TRY_ASSIGN(const auto target, pipeline::resolve_repository(settings.file, *repo));
    TRY_ASSIGN(auto after, refs_after(*repo, queue, push, target.policy));
    // Changes are timed at the push, so no author times: git's commit-graph
    // (when there is one) answers without reading commit objects.
    repo->set_walk_options({.progress = {}, .author_times = false, .message_marker = {}});
    RepositoryHistory history(*repo);
    TRY_ASSIGN(const auto before, derive::refs_before(std::move(after), *updates, history));
    TRY_ASSIGN(auto derived,
               derive::updates(before, *updates, history, target.policy, push.pushed_at));
    return DerivedPush{target.system, std::move(derived)};
}

std::string without_prefix(const std::string& line) {
    constexpr std::string_view k_prefix = "pulse-agent: ";
    return line.starts_with(k_prefix) ? line.substr(k_prefix.size()) : line;
}

std::string joined(const std::vector<std::string>& lines) {
    std::string text;
    for (const auto& line : lines) {
        text += line + "\n";
    }
    return text;
}

// Queue a derived push's events and mark it derived, in one transaction.
void queue_derived(outbox::Outbox& box, const outbox::RecordedPush& push, DerivedPush& derived,
                   DerivationReport& report) {
    derive::raise_deployment_times(derived.derived.events, [&box, &derived](const std::string& id) {
        return box.change_time(derived.system, id);
    });
    derive::time_incidents(derived.derived.events, derived.derived.incident_spans,
                           [&box, &derived](const std::string& id) {
                               return box.deployment_time(derived.system, id);
                           });
    const auto envelopes =
        addressed(derived.system, k_hook_environment, std::move(derived.derived.events));
    const auto result =
        box.commit_derived_push(push.seq, joined(derived.derived.summary.notes), envelopes);
    ++report.pushes;
    const auto recorded = count_recorded(envelopes, result);
    report.changes += recorded.changes;
    report.deployments += recorded.deployments;
    if (auto line = summary_line(recorded, derived.derived.summary.notes, push.pusher)) {
        report.lines.push_back("'" + push.git_dir + "': " + without_prefix(*line));
    }
}

void derive_one(const config::Settings& settings, outbox::Outbox& box, outbox::PushQueue& queue,
                const outbox::RecordedPush& push, DerivationReport& report) {
    std::string error;
    try {
        auto derived = derive_push(settings, queue, push);
        if (derived) {
            queue_derived(box, push, *derived, report);
            return;
        }
        error = derived.error().message;
    } catch (const std::exception& e) {
        error = e.what();
    }
    queue.mark_failed(
        push.seq, error,
        next_derivation_attempt(settings.file.retry, push, push.attempts + 1, model::now()));
    ++report.failed;
    report.problems.push_back("deriving the push to '" + push.git_dir + "' recorded at " +
                              model::format_rfc3339(push.pushed_at) + ": " + error);
}

// Append what a derivation did to the hook log: a background process has no
// terminal to tell, and the daemon's journal is not where admins look for
// pushes.
void append_to_hook_log(const std::filesystem::path& outbox, const DerivationReport& report) {
    if (report.lines.empty() && report.problems.empty()) {
        return;
    }
    // The log names repositories and pushers: as private as the outbox,
    // whatever the umask of the process that happens to derive.
    spdlog::file_event_handlers private_files;
    private_files.after_open = [](const spdlog::filename_t&, std::FILE* file) {
        ::fchmod(::fileno(file), S_IRUSR | S_IWUSR);
    };
    try {
        auto log = spdlog::rotating_logger_st("hook", outbox::hook_log_path(outbox).string(),
                                              k_log_size, k_log_files, false, private_files);
        for (const auto& line : report.lines) {
            log->info("{}", line);
        }
        for (const auto& problem : report.problems) {
            log->error("{}", problem);
        }
        log->flush();
        spdlog::drop("hook");
    } catch (const spdlog::spdlog_ex& e) {
        std::cerr << "pulse-agent: writing the hook log: " << e.what() << "\n";
    }
}

} // namespace

std::optional<model::UnixSeconds> next_derivation_attempt(const model::RetryPolicy& policy,
                                                          const outbox::RecordedPush& push,
                                                          std::int64_t attempts,
                                                          model::UnixSeconds now) {
    if (now - push.pushed_at >= policy.max_age) {
        return std::nullopt;
    }
    return now + sender::backoff_delay(policy, attempts, sender::unit_random());
}

DerivationReport derive_recorded_pushes(const config::Settings& settings, outbox::Outbox& box,
                                        std::chrono::milliseconds lock_wait) {
    DerivationReport report;
    const auto lock = util::FileLock::acquire(outbox::derive_lock_path(box.path()), lock_wait);
    if (!lock) {
        report.ran = false;
        return report;
    }
    auto intake = take_spooled_pushes(settings, box);
    report.taken = intake.taken;
    report.problems = std::move(intake.problems);
    auto queue = box.pushes();
    // Pushes recorded while we work are picked up by the next pass; one that
    // fails is not retried in this call.
    std::vector<std::int64_t> tried;
    const auto now = model::now();
    for (auto waiting = queue.waiting(now); !waiting.empty(); waiting = queue.waiting(now)) {
        bool progressed = false;
        for (const auto& push : waiting) {
            if (std::find(tried.begin(), tried.end(), push.seq) != tried.end()) {
                continue;
            }
            tried.push_back(push.seq);
            derive_one(settings, box, queue, push, report);
            progressed = true;
        }
        if (!progressed) {
            break;
        }
    }
    queue.prune();
    append_to_hook_log(box.path(), report);
    return report;
}

} // namespace pipeline
