#include "git/trust.hpp"

#include "git/libgit2_api.hpp"

#include <algorithm>
#include <mutex>
#include <sys/stat.h>

namespace git {

namespace {

std::mutex& trust_mutex() {
    static std::mutex mutex;
    return mutex;
}

TrustedOwners& trusted() {
    static TrustedOwners owners;
    return owners;
}

} // namespace

void trust_owners(TrustedOwners owners) {
    const std::lock_guard lock(trust_mutex());
    trusted() = std::move(owners);
}

bool is_trusted(const std::filesystem::path& path) {
    const std::lock_guard lock(trust_mutex());
    const auto& owners = trusted();
    if (!owners.everyone && owners.users.empty()) {
        return false;
    }
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0) {
        return false;
    }
    return owners.everyone || std::ranges::find(owners.users, info.st_uid) != owners.users.end();
}

TrustScope::TrustScope(const std::filesystem::path& path) {
    if (is_trusted(path)) {
        api().libgit2_opts(GIT_OPT_SET_OWNER_VALIDATION, 0);
        m_switched = true;
    }
}

TrustScope::~TrustScope() {
    if (m_switched) {
        api().libgit2_opts(GIT_OPT_SET_OWNER_VALIDATION, 1);
    }
}

} // namespace git
