#include "hook/post_receive.hpp"

#include "hook/hook_input.hpp"

namespace hook {

namespace {

// History as a post-receive hook reads it: changes are timed at the push, so
// no author times, and git's commit-graph (when there is one) answers
// without reading commit objects.
class PushHistory : public derive::History {
public:
    explicit PushHistory(git::Repository& repo) : m_repo(repo) {}

    model::Expected<git::CommitGraph> commits(const std::vector<std::string>& include,
                                              const std::vector<std::string>& exclude) override {
        git::Repository::WalkOptions options;
        options.author_times = false;
        return m_repo.commits(include, exclude, options);
    }

    model::Expected<git::Ref> resolve(const std::string& name, const std::string& target) override {
        return m_repo.resolve(name, target);
    }

private:
    git::Repository& m_repo;
};

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
    PushHistory history(repo);
    auto before = derive::refs_before(std::move(*after), updates, history);
    if (!before) {
        return std::unexpected(before.error());
    }
    return derive::updates(*before, updates, history, policy, now);
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
