#include "hook/post_receive.hpp"

#include "hook/hook_input.hpp"

namespace hook {

namespace {

model::Expected<derive::Derived> derive_push(git::Repository& repo,
                                             const cli::RepositorySettings& target,
                                             const std::vector<derive::RefUpdate>& updates,
                                             model::UnixSeconds now) {
    auto after = repo.refs();
    if (!after) {
        return std::unexpected(after.error());
    }
    auto before = derive::refs_before(*after, updates, repo);
    if (!before) {
        return std::unexpected(before.error());
    }
    return derive::updates(*before, updates, repo, target.policy, now);
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
