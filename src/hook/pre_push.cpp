#include "hook/pre_push.hpp"

#include "derive/hook_input.hpp"
#include "derive/pre_push.hpp"
#include "hook/detached_delivery.hpp"
#include "pipeline/repository_history.hpp"

namespace hook {

namespace {

// Read the local refs and derive what the push sends that the remote lacks.
model::Expected<derive::Derived> new_changes(git::Repository& repo,
                                             const pipeline::RepositorySettings& target,
                                             const std::vector<derive::PushedRef>& pushed,
                                             const std::string& remote, model::UnixSeconds now) {
    TRY_ASSIGN(const auto refs, repo.refs());
    pipeline::RepositoryHistory history(repo);
    return derive::pre_push(pushed, refs, remote, history, target.policy, now);
}

// Start a detached delivery when the config asks for one (hook.deliver:
// background) and something new was queued.
void start_delivery(const config::Settings& settings, pipeline::Recorded& recorded) {
    const bool background = settings.file.hook.deliver == "background";
    // Spooled changes need a process that owns the outbox to queue them.
    const bool wanted = (background && settings.key_source.configured()) ||
                        (recorded.spooled && settings.file.hook.deliver != "service");
    if (wanted && recorded.changes + recorded.deployments > 0) {
        if (auto started = start_detached_delivery(); !started) {
            recorded.delivery_problem = started.error().message;
        }
    }
}

} // namespace

model::Expected<pipeline::HookOutcome>
record_pre_push(const config::Settings& settings, const std::filesystem::path& git_dir,
                const std::string& remote, std::string_view input, model::UnixSeconds now) {
    TRY_ASSIGN(const auto pushed, derive::parse_pre_push(input));
    if (pushed.empty()) {
        return pipeline::HookOutcome{};
    }
    auto outcome = pipeline::record_push(
        settings, git_dir, pipeline::k_pre_push_environment,
        [&](git::Repository& repo, const pipeline::RepositorySettings& target) {
            return new_changes(repo, target, pushed, remote, now);
        });
    if (outcome) {
        start_delivery(settings, outcome->recorded);
    }
    return outcome;
}

} // namespace hook
