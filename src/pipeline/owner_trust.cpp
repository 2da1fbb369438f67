#include "pipeline/owner_trust.hpp"

#include "git/trust.hpp"

#include <pwd.h>

namespace pipeline {

std::vector<std::string> trust_configured_owners(const config::Settings& settings) {
    git::TrustedOwners owners;
    std::vector<std::string> unknown;
    for (const auto& name : settings.file.trusted_owners) {
        if (name == "*") {
            owners.everyone = true;
        } else if (const passwd* user = ::getpwnam(name.c_str())) {
            owners.users.push_back(user->pw_uid);
        } else {
            unknown.push_back(name);
        }
    }
    git::trust_owners(std::move(owners));
    return unknown;
}

} // namespace pipeline
