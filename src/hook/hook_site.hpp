#pragma once

#include "hook/shim.hpp"
#include "model/error.hpp"

#include <filesystem>
#include <vector>

// Where a hook goes in a repository, for plain Git, Gitea/Forgejo and GitLab.
namespace hook {

// Where git keeps a repository's hooks, as git itself resolves them.
struct RepositoryHooks {
    std::filesystem::path git_dir;
    // The hooks folder, honouring core.hooksPath.
    std::filesystem::path hooks_dir;
    bool bare = false;
};

// Ask git where the repository at exactly `path` (no search upwards) keeps
// its hooks.
model::Expected<RepositoryHooks> locate_hooks(const std::filesystem::path& path);

// The place of one shim.
struct HookSite {
    HookKind kind = HookKind::post_receive;
    // The shim's path: HOOKS/NAME, or NAME.d/pulse-agent in a dispatcher's folder.
    std::filesystem::path file;
    bool in_dot_d = false;
    // Folders to create first, outermost first.
    std::vector<std::filesystem::path> missing_folders;
};

// Return where a hook goes: GitLab's custom_hooks/NAME.d/ when asked for or
// when the repository has custom_hooks/, the hooks folder's NAME.d/ when a
// dispatcher runs one (Gitea, Forgejo), else the hooks folder itself.
HookSite site_for(const RepositoryHooks& repo, HookKind kind, bool gitlab);

// Return the place in a global custom hooks folder (GitLab custom_hooks_dir).
HookSite site_in_custom_hooks_dir(const std::filesystem::path& dir, HookKind kind);

// Return every place a shim of ours may be in a repository, for uninstalling.
std::vector<std::filesystem::path> possible_shims(const RepositoryHooks& repo, HookKind kind);

} // namespace hook
