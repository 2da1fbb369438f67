#pragma once

#include "hook/hook_site.hpp"
#include "model/error.hpp"

#include <filesystem>
#include <string>
#include <vector>

// Plans and carries out installing and removing shims, so that --dry-run
// shows exactly what a real run does.
namespace hook {

// One file system change.
struct Step {
    enum class Action {
        // Create a folder (0755).
        make_folder,
        // Keep the existing hook at `path` under `other` (a hard link, so it
        // stays in place until the shim replaces it).
        keep_existing,
        // Write `text` to `path` (0755), replacing it atomically.
        write_shim,
        // Rename `other` (the kept hook) back to `path`, replacing the shim.
        restore_kept,
        remove_file,
        // Remove a folder we created, if it is empty.
        remove_folder,
    };
    Action action;
    std::filesystem::path path;
    std::filesystem::path other;
    std::string text;
};

// What to do for one hook of one repository; no steps when it is already done.
struct Plan {
    std::vector<Step> steps;
    // Why there is nothing to do, when there is nothing.
    std::string note;
};

// Plan installing a shim running `agent` at `site`, or updating ours there;
// fails rather than overwrite something that is not ours.
model::Expected<Plan> plan_install(const HookSite& site, const std::string& agent);

// Plan removing our shim at `file`, putting back the hook it chained to and
// removing the folders it created; an empty plan when it is not ours.
model::Expected<Plan> plan_uninstall(const std::filesystem::path& file);

// Carry out the steps in order, stopping at the first failure.
model::Expected<void> apply(const Plan& plan);

// Return a step as one line of output ("kept ..." or, dry, "would keep ...").
std::string describe(const Step& step, bool dry_run);

} // namespace hook
