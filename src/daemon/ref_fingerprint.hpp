#pragma once

#include <cstdint>
#include <ctime>
#include <filesystem>

namespace pulse_daemon {

// A cheap summary of where a repository keeps its refs: inode, size and
// change time of packed-refs and of every folder under refs/. Git (and
// libgit2, and JGit) change a ref by renaming a lock file over it, which
// changes its folder's change time, so while the fingerprint stays the same
// the refs have not moved and need not be read.
struct RefFingerprint {
    std::uint64_t hash = 0;
    // True when every time in it was older than the racy window when it was
    // taken: a change within one clock tick of it would leave it unchanged.
    bool settled = false;
    // False when the refs' layout is not one this summary understands.
    bool usable = false;
};

// Return the fingerprint of the refs of the repository at `path` (bare, or a
// work tree with a .git folder) as they are at `now` (wall-clock seconds).
RefFingerprint fingerprint_refs(const std::filesystem::path& path, std::time_t now);

// Return whether a stored fingerprint vouches that the refs did not change
// since it was taken: same hash, and settled when it was taken.
bool vouches_unchanged(const RefFingerprint& stored, const RefFingerprint& current);

} // namespace pulse_daemon
