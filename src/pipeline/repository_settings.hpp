#pragma once

#include "config/settings.hpp"
#include "derive/derive.hpp"
#include "git/repository.hpp"
#include "model/error.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace pipeline {

// A repository's settings given on a command line; unset means not given.
struct RepositoryOverrides {
    std::optional<std::string> system;
    std::optional<std::string> strategy;
    std::optional<std::string> tag_pattern;
    std::optional<std::string> deploy_branch;
    std::optional<std::vector<std::string>> branches;
    std::optional<std::vector<std::string>> incidents;
};

// The system a repository's events are filed under and how they are derived.
struct RepositorySettings {
    std::string system;
    derive::Policy policy;
};

// Return the config file's entry for a repository, matched by path (both
// made absolute and normal; a trailing slash or "/.git" does not matter);
// else the first entry whose glob (*, ?, [...] within a folder name, ** any
// folders) matches it, so hooks, the daemon and backfill agree.
const config::Repository* find_repository(const config::Config& file,
                                          const std::filesystem::path& path);

// Return the system a repository gets by default: its folder's name without
// a trailing .git ("/srv/shop.git" and "/home/me/shop/.git" are "shop").
std::string folder_system(const std::filesystem::path& path);

// Resolve a repository's settings, each from the first that has it: the
// command line, its entry in the config file, its git config (pulse.system,
// pulse.strategy, pulse.tagPattern, pulse.deployBranch, pulse.branches,
// pulse.incidents), the
// defaults. Errors name the setting and where it came from.
model::Expected<RepositorySettings> resolve_repository(const config::Config& file,
                                                       const git::Repository& repo,
                                                       const RepositoryOverrides& overrides = {});

} // namespace pipeline
