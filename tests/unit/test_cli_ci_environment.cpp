#include "cli/ci_environment.hpp"

#include <doctest/doctest.h>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace {

using Variables = std::map<std::string, std::string>;

std::string environment_of(const Variables& variables) {
    return cli::ci_environment([&variables](const char* name) -> std::optional<std::string> {
        const auto it = variables.find(name);
        return it == variables.end() ? std::nullopt : std::optional<std::string>(it->second);
    });
}

} // namespace

TEST_SUITE("cli::ci_environment") {
    TEST_CASE("names every system the Go CLI 1.9.32 knows, each by its variables") {
        const std::vector<std::pair<std::string, Variables>> k_cases = {
            {"appveyor", {{"APPVEYOR", "True"}}},
            {"aws-codebuild", {{"CODEBUILD_BUILD_ID", "b:1"}}},
            {"bitrise", {{"BITRISE_IO", "true"}}},
            {"buddy", {{"BUDDY", "true"}}},
            {"buildkite", {{"BUILDKITE", "true"}}},
            {"circleci", {{"CIRCLECI", "true"}}},
            {"codefresh", {{"CF_BUILD_ID", "1"}, {"CF_BUILD_URL", "u"}}},
            {"codemagic", {{"FCI_PROJECT_ID", "p"}}},
            {"codeship", {{"CI_NAME", "codeship"}}},
            {"drone", {{"DRONE", "true"}}},
            {"github-actions", {{"GITHUB_ACTIONS", "true"}}},
            {"gitlab-ci", {{"GITLAB_CI", "true"}}},
            {"gocd", {{"GO_PIPELINE_NAME", "p"}}},
            {"greenhouse", {{"GREENHOUSE", "1"}}},
            {"heroku-ci", {{"HEROKU_TEST_RUN_ID", "1"}}},
            {"jenkins", {{"JENKINS_URL", "http://j"}}},
            {"jfrog-pipelines", {{"JFROG_CLI_BUILD_NUMBER", "1"}}},
            {"magnum", {{"MAGNUM", "true"}}},
            {"semaphore", {{"SEMAPHORE", "true"}}},
            {"shippable", {{"SHIPPABLE", "true"}}},
            {"solano", {{"SOLANO", "1"}}},
            {"solano", {{"TDDIUM", "1"}}},
            {"teamcity", {{"TEAMCITY_VERSION", "2023"}}},
            {"travis", {{"TRAVIS", "true"}}},
            {"wercker", {{"WERCKER_GIT_BRANCH", "main"}}},
            {"azure-pipelines", {{"TF_BUILD", "True"}}},
            {"docker",
             {{"SOURCE_BRANCH", "m"},
              {"SOURCE_COMMIT", "c"},
              {"DOCKER_REPO", "r"},
              {"DOCKERFILE_PATH", "f"}}},
            {"google-cloud-build",
             {{"PROJECT_ID", "p"}, {"BUILD_ID", "b"}, {"COMMIT_SHA", "c"}, {"REVISION_ID", "r"}}},
        };
        for (const auto& [name, variables] : k_cases) {
            CHECK_MESSAGE(environment_of(variables) == name, name);
        }
    }

    TEST_CASE("a variable set but empty counts, as Go's os.LookupEnv sees it") {
        CHECK(environment_of({{"GITHUB_ACTIONS", ""}}) == "github-actions");
        CHECK(environment_of({{"SEMAPHORE", ""}}) == "semaphore");
    }

    TEST_CASE("systems the Go CLI does not know, or half-set, are _unknown_") {
        CHECK(environment_of({}) == "_unknown_");
        CHECK(environment_of({{"BITBUCKET_BUILD_NUMBER", "7"}}) == "_unknown_");
        CHECK(environment_of({{"CI", "true"}}) == "_unknown_");
        CHECK(environment_of({{"CI_NAME", "other"}}) == "_unknown_");
        CHECK(environment_of({{"CF_BUILD_ID", "1"}}) == "_unknown_");
        CHECK(environment_of({{"PROJECT_ID", "p"}, {"BUILD_ID", "b"}, {"COMMIT_SHA", "c"}}) ==
              "_unknown_");
    }

    TEST_CASE("the first system in the Go CLI's order wins") {
        CHECK(environment_of({{"TRAVIS", "1"}, {"APPVEYOR", "1"}}) == "appveyor");
        CHECK(environment_of({{"JENKINS_URL", "j"}, {"GITLAB_CI", "1"}}) == "gitlab-ci");
        SUBCASE("generic names are checked after every other system") {
            CHECK(environment_of({{"TF_BUILD", "1"}, {"WERCKER_GIT_BRANCH", "m"}}) == "wercker");
            CHECK(environment_of({{"TF_BUILD", "1"},
                                  {"PROJECT_ID", "p"},
                                  {"BUILD_ID", "b"},
                                  {"COMMIT_SHA", "c"},
                                  {"REVISION_ID", "r"}}) == "azure-pipelines");
        }
    }
}
