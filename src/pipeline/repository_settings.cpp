#include "pipeline/repository_settings.hpp"

#include "util/repository_glob.hpp"

namespace pipeline {

namespace {

std::filesystem::path normal_path(const std::filesystem::path& path) {
    std::error_code ec;
    auto absolute = std::filesystem::weakly_canonical(path, ec);
    if (ec) {
        absolute = std::filesystem::absolute(path, ec).lexically_normal();
    }
    if (!absolute.has_filename()) {
        absolute = absolute.parent_path();
    }
    if (absolute.filename() == ".git") {
        absolute = absolute.parent_path();
    }
    return absolute;
}

// One setting with the name of where it came from, for error messages.
struct Found {
    std::optional<std::string> value;
    std::string origin;
};

Found first_setting(const std::optional<std::string>& flag, const char* flag_name,
                    const config::Repository* entry,
                    std::optional<std::string> config::Repository::*field,
                    const git::Repository& repo, const char* git_key) {
    if (flag) {
        return {flag, std::string("--") + flag_name};
    }
    if (entry != nullptr && entry->*field) {
        return {entry->*field, "the config file's entry for " + entry->path};
    }
    if (auto value = repo.config_string(git_key)) {
        return {value, std::string("git config ") + git_key};
    }
    return {std::nullopt, ""};
}

// Return the values of a multi-valued git config key, each value also split
// at commas and spaces.
std::vector<std::string> listed(const git::Repository& repo, const char* key) {
    std::vector<std::string> values;
    for (const auto& value : repo.config_strings(key)) {
        // Also accept one comma- or space-separated value.
        std::size_t start = 0;
        while ((start = value.find_first_not_of(", ", start)) != std::string::npos) {
            const auto end = value.find_first_of(", ", start);
            values.push_back(value.substr(start, end - start));
            start = end;
        }
    }
    return values;
}

std::vector<std::string> branch_globs(const RepositoryOverrides& overrides,
                                      const config::Repository* entry,
                                      const git::Repository& repo) {
    if (overrides.branches) {
        return *overrides.branches;
    }
    if (entry != nullptr && entry->branches) {
        return *entry->branches;
    }
    auto globs = listed(repo, "pulse.branches");
    return globs.empty() ? std::vector<std::string>{"*"} : globs;
}

model::Expected<derive::IncidentSources> incident_sources(const RepositoryOverrides& overrides,
                                                          const config::Repository* entry,
                                                          const git::Repository& repo) {
    if (overrides.incidents) {
        auto sources = derive::parse_incident_sources(*overrides.incidents);
        return sources ? sources : model::fail("--incidents: " + sources.error().message);
    }
    if (entry != nullptr && entry->incidents) {
        auto sources = derive::parse_incident_sources(*entry->incidents);
        return sources ? sources
                       : model::fail("the config file's entry for " + entry->path + ": " +
                                     sources.error().message);
    }
    auto sources = derive::parse_incident_sources(listed(repo, "pulse.incidents"));
    return sources ? sources
                   : model::fail("git config pulse.incidents: " + sources.error().message);
}

model::Expected<derive::Policy> resolve_policy(const config::Repository* entry,
                                               const git::Repository& repo,
                                               const RepositoryOverrides& o) {
    using R = config::Repository;
    derive::Policy policy;
    const auto strategy =
        first_setting(o.strategy, "strategy", entry, &R::strategy, repo, "pulse.strategy");
    if (strategy.value) {
        auto parsed = derive::parse_strategy(*strategy.value);
        if (!parsed) {
            return model::fail(strategy.origin + ": " + parsed.error().message);
        }
        policy.strategy = *parsed;
    }
    const auto pattern = first_setting(o.tag_pattern, "tag-pattern", entry, &R::tag_pattern, repo,
                                       "pulse.tagPattern");
    policy.tag_pattern = pattern.value.value_or(derive::k_default_tag_pattern);
    const auto branch = first_setting(o.deploy_branch, "branch", entry, &R::deploy_branch, repo,
                                      "pulse.deployBranch");
    policy.deploy_branch = branch.value.value_or("main");
    policy.branch_globs = branch_globs(o, entry, repo);
    TRY_ASSIGN(policy.incidents, incident_sources(o, entry, repo));
    auto made = derive::make_policy(std::move(policy));
    if (!made) {
        const auto& origin = pattern.value ? pattern.origin : branch.origin;
        return model::fail((origin.empty() ? "" : origin + ": ") + made.error().message);
    }
    return made;
}

} // namespace

const config::Repository* find_repository(const config::Config& file,
                                          const std::filesystem::path& path) {
    const auto wanted = normal_path(path);
    for (const auto& entry : file.repositories) {
        if (!util::is_glob(entry.path) && normal_path(entry.path) == wanted) {
            return &entry;
        }
    }
    for (const auto& entry : file.repositories) {
        if (util::is_glob(entry.path) && util::matches(entry.path, wanted)) {
            return &entry;
        }
    }
    return nullptr;
}

std::string folder_system(const std::filesystem::path& path) {
    std::string name = normal_path(path).filename().string();
    if (name.ends_with(".git") && name.size() > 4) {
        name.resize(name.size() - 4);
    }
    return name;
}

model::Expected<RepositorySettings> resolve_repository(const config::Config& file,
                                                       const git::Repository& repo,
                                                       const RepositoryOverrides& overrides) {
    const auto* entry = find_repository(file, repo.path());
    auto policy = resolve_policy(entry, repo, overrides);
    if (!policy) {
        return model::fail("repository '" + repo.path().string() + "': " + policy.error().message);
    }
    const auto system = first_setting(overrides.system, "system", entry,
                                      &config::Repository::system, repo, "pulse.system");
    return RepositorySettings{system.value.value_or(folder_system(repo.path())),
                              std::move(*policy)};
}

} // namespace pipeline
