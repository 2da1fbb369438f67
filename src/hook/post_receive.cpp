#include "hook/post_receive.hpp"

#include "hook/hook_input.hpp"

namespace hook {

namespace {

model::Expected<derive::Derived> derive_push(git::Repository& repo,
                                             const cli::RepositorySettings& target,
                                             const std::vector<derive::RefUpdate>& updates,
                                             model::UnixSeconds now) {
    // Only release tags need reading: branches are commits (the walk drops
    // one that is not) and other refs play no part.
    const auto& policy = target.policy;
    auto after = repo.refs([&policy](const std::string& name) {
        return derive::matches_release_pattern(policy, name);
    });
    if (!after) {
        return std::unexpected(after.error());
    }
    // Changes are timed at the push, so no author times: git's commit-graph
    // (when there is one) answers without reading commit objects.
    repo.set_walk_options({.progress = {}, .author_times = false});
    auto before = derive::refs_before(std::move(*after), updates, repo);
    if (!before) {
        return std::unexpected(before.error());
    }
    return derive::updates(*before, updates, repo, policy, now);
}

} // namespace

model::Expected<HookOutcome> record_post_receive(const config::Settings& settings,
                                                 const std::filesystem::path& git_dir,
                                                 std::string_view input, model::UnixSeconds now) {
    auto parsed = parse_post_receive(input);
    if (!parsed) {
        return std::unexpected(parsed.error());
    }
    const auto updates = branch_and_tag_updates(*parsed);
    if (updates.empty()) {
        return HookOutcome{};
    }
    return record_push(
        settings, git_dir,
        [&updates, now](git::Repository& repo, const cli::RepositorySettings& target) {
            return derive_push(repo, target, updates, now);
        });
}

} // namespace hook
