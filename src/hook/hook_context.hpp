#pragma once

#include <filesystem>
#include <string>

// What git and the hosting server tell a hook through its environment.
namespace hook {

// The facts a hook takes from its environment before clearing GIT_*.
struct HookContext {
    // The repository the hook runs for, absolute.
    std::filesystem::path git_dir;
    // Who pushed, when the server says (GitLab, Gitea, Forgejo); for logs only.
    std::string pusher;
    // PULSE_HOOK_QUIET=1: print nothing on success.
    bool quiet = false;
};

// Read the hook's context: GIT_DIR (relative to the working directory, where
// git starts hooks) or else the working directory itself.
HookContext read_context();

// Remove every inherited GIT_* variable (GIT_DIR, GIT_QUARANTINE_PATH,
// GIT_OBJECT_DIRECTORY...) so that nothing this process opens or starts
// afterwards is steered to another repository's files.
void clear_git_environment();

} // namespace hook
