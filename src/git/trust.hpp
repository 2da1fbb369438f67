#pragma once

#include <filesystem>
#include <sys/types.h>
#include <vector>

// Which repositories owned by another user are read anyway. libgit2, like
// git, refuses them ("not owned by current user") because git runs commands
// a repository's config names (core.fsmonitor, hooks...); pulse-agent's
// reads through libgit2 run none, so trusting an owner costs nothing here.
namespace git {

// The users whose repositories are opened whoever runs pulse-agent.
struct TrustedOwners {
    std::vector<uid_t> users;
    // Every owner ("*" in trusted_owners).
    bool everyone = false;
};

// Set the owners trusted from now on, for every repository opened after.
void trust_owners(TrustedOwners owners);

// Return whether the repository at `path` is owned by a trusted user.
bool is_trusted(const std::filesystem::path& path);

// Turns libgit2's ownership check off while a trusted repository is opened,
// and on again after; opening is single-threaded in pulse-agent.
class TrustScope {
public:
    // Switch the check off when `path` is trusted.
    explicit TrustScope(const std::filesystem::path& path);
    ~TrustScope();
    TrustScope(const TrustScope&) = delete;
    TrustScope& operator=(const TrustScope&) = delete;

private:
    bool m_switched = false;
};

} // namespace git
