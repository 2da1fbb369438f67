#include "cli/ci_environment.hpp"

#include <cstdlib>
#include <initializer_list>

namespace cli {

namespace {

// One CI system: its header name and the variables that must all be set.
struct CiSystem {
    const char* name;
    std::initializer_list<const char*> all_of;
};

// The Go CLI 1.9.32's table in its order: its init() functions run in file
// name order, then the systems whose variables have generic names.
// Codeship (CI_NAME=codeship) and Solano (SOLANO or TDDIUM) are special
// cases, checked in their places by system_found.
const CiSystem k_systems[] = {
    {"appveyor", {"APPVEYOR"}},
    {"aws-codebuild", {"CODEBUILD_BUILD_ID"}},
    {"bitrise", {"BITRISE_IO"}},
    {"buddy", {"BUDDY"}},
    {"buildkite", {"BUILDKITE"}},
    {"circleci", {"CIRCLECI"}},
    {"codefresh", {"CF_BUILD_ID", "CF_BUILD_URL"}},
    {"codemagic", {"FCI_PROJECT_ID"}},
    {"codeship", {}},
    {"drone", {"DRONE"}},
    {"github-actions", {"GITHUB_ACTIONS"}},
    {"gitlab-ci", {"GITLAB_CI"}},
    {"gocd", {"GO_PIPELINE_NAME"}},
    {"greenhouse", {"GREENHOUSE"}},
    {"heroku-ci", {"HEROKU_TEST_RUN_ID"}},
    {"jenkins", {"JENKINS_URL"}},
    {"jfrog-pipelines", {"JFROG_CLI_BUILD_NUMBER"}},
    {"magnum", {"MAGNUM"}},
    {"semaphore", {"SEMAPHORE"}},
    {"shippable", {"SHIPPABLE"}},
    {"solano", {}},
    {"teamcity", {"TEAMCITY_VERSION"}},
    {"travis", {"TRAVIS"}},
    {"wercker", {"WERCKER_GIT_BRANCH"}},
    {"azure-pipelines", {"TF_BUILD"}},
    {"docker", {"SOURCE_BRANCH", "SOURCE_COMMIT", "DOCKER_REPO", "DOCKERFILE_PATH"}},
    {"google-cloud-build", {"PROJECT_ID", "BUILD_ID", "COMMIT_SHA", "REVISION_ID"}},
};

bool system_found(const CiSystem& system, const EnvironmentLookup& lookup) {
    const std::string name = system.name;
    if (name == "codeship") {
        return lookup("CI_NAME").value_or("") == "codeship";
    }
    if (name == "solano") {
        return lookup("SOLANO").has_value() || lookup("TDDIUM").has_value();
    }
    for (const char* variable : system.all_of) {
        if (!lookup(variable)) {
            return false;
        }
    }
    return true;
}

} // namespace

std::string ci_environment(const EnvironmentLookup& lookup) {
    for (const auto& system : k_systems) {
        if (system_found(system, lookup)) {
            return system.name;
        }
    }
    return "_unknown_";
}

std::string ci_environment() {
    return ci_environment([](const char* name) -> std::optional<std::string> {
        const char* value = std::getenv(name);
        return value ? std::optional<std::string>(value) : std::nullopt;
    });
}

} // namespace cli
