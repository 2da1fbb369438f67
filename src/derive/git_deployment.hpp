#pragma once

#include "derive/derive.hpp"
#include "model/error.hpp"
#include "model/time.hpp"

#include <functional>
#include <string>
#include <vector>

// The rule of `push git deployment` (the Go CLI's git helper): a deployment
// of the commits between the previous deployment and a new one.
namespace derive {

// Return whether a commit changes something under the paths a deployment is
// limited to (git::Repository::touches, bound to the paths by the caller).
using TouchesPaths = std::function<model::Expected<bool>(const std::string& commit)>;

// A deployment `push git deployment` reports, its commits given as ids.
struct GitDeployment {
    std::string id;
    model::UnixSeconds time = 0;
    std::vector<std::string> teams;
    std::string source = "git";
    // The commit deployed now (HEAD).
    std::string head;
    // The commit the previous deployment shipped.
    std::string previous;
    ChangeTime change_time = ChangeTime::author;
    // When set, only the commits it accepts count (a monorepo's service folder).
    TouchesPaths touches;
};

// Derive one change per commit reachable from `head` and not from `previous`
// (that `touches` accepts, when set), newest first as `git log` lists them
// (the Go CLI's order, in its events and in the deployment's list), timed by the commit's
// author or committer time, then the deployment listing them.
model::Expected<Derived> git_deployment(const GitDeployment& deployment, History& history);

} // namespace derive
