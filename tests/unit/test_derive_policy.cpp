#include "derive/derive.hpp"

#include <doctest/doctest.h>
#include <regex>

namespace {

model::Ref tag(const std::string& name, model::ObjectKind kind = model::ObjectKind::commit) {
    return model::Ref{"refs/tags/" + name, "t", "p", kind, std::nullopt};
}

} // namespace

TEST_SUITE("derive::Policy") {
    TEST_CASE("the default pattern takes SemVer releases only") {
        const auto policy = *derive::make_policy({});
        for (const char* name : {"v2.43.0", "1.0.0", "1.0.0+build.7", "v10.20.30"}) {
            CHECK_MESSAGE(derive::is_release_tag(policy, tag(name)), name);
        }
        for (const char* name : {"v2.43.0-rc0", "v1.0rc1", "gitgui-0.10.0", "v1.5.3.1", "01.0.0",
                                 "release", "v1.0.0-beta+exp"}) {
            CHECK_MESSAGE(!derive::is_release_tag(policy, tag(name)), name);
        }
        CHECK_FALSE(derive::is_release_tag(policy, tag("v1.0.0", model::ObjectKind::tree)));
        CHECK_FALSE(derive::is_release_tag(policy, tag("v1.0.0", model::ObjectKind::blob)));
        CHECK_FALSE(derive::is_release_tag(
            policy, model::Ref{"refs/heads/v1.0.0", "t", "p", model::ObjectKind::commit, {}}));
        CHECK(derive::matches_release_pattern(policy, "refs/tags/v1.0.0"));
    }

    TEST_CASE("the default pattern, matched without std::regex, agrees with the regex") {
        const auto policy = *derive::make_policy({});
        const std::regex pattern(derive::k_default_tag_pattern);
        for (const char* name :
             {"v0.0.0",        "0.0.0",   "v",           "",          "1",      "1.2",    "1.2.",
              "1.2.3.",        "v1.2.3",  "vv1.2.3",     "V1.2.3",    "1.02.3", "1.2.03", "10.0.0",
              "1.2.3+",        "1.2.3+a", "1.2.3+a.b-c", "1.2.3+a_b", "1.2.3-", "1.2.3 ", " 1.2.3",
              "1.2.3+build+x", "1..2.3",  "1.2.3\n",     "00.1.2",    "9.9.9x"}) {
            CHECK_MESSAGE(
                derive::matches_release_pattern(policy, std::string("refs/tags/") + name) ==
                    std::regex_search(std::string(name), pattern),
                name);
        }
    }

    TEST_CASE("a custom pattern is a regex searched in the tag name") {
        derive::Policy wanted;
        wanted.tag_pattern = "^release-[0-9]+$";
        const auto policy = *derive::make_policy(wanted);
        CHECK(derive::is_release_tag(policy, tag("release-42")));
        CHECK_FALSE(derive::is_release_tag(policy, tag("v1.0.0")));
        wanted.tag_pattern = "(";
        const auto broken = derive::make_policy(wanted);
        REQUIRE_FALSE(broken.has_value());
        CHECK(broken.error().message.starts_with("tag pattern '(': "));
    }

    TEST_CASE("a policy not made by make_policy still matches") {
        derive::Policy raw;
        raw.tag_pattern = "^r[0-9]$";
        CHECK(derive::is_release_tag(raw, tag("r1")));
        CHECK_FALSE(derive::is_release_tag(raw, tag("r10")));
    }

    TEST_CASE("tracked branches are globs over branch names; the deploy branch always is") {
        derive::Policy wanted;
        wanted.branch_globs = {"main", "release/*"};
        auto policy = *derive::make_policy(wanted);
        CHECK(derive::is_tracked_branch(policy, "refs/heads/main"));
        CHECK(derive::is_tracked_branch(policy, "refs/heads/release/1.x"));
        CHECK_FALSE(derive::is_tracked_branch(policy, "refs/heads/feature/x"));
        CHECK_FALSE(derive::is_tracked_branch(policy, "refs/tags/main"));
        CHECK_FALSE(derive::is_tracked_branch(policy, "refs/remotes/origin/main"));
        wanted.strategy = derive::Strategy::branch;
        wanted.deploy_branch = "refs/heads/production";
        policy = *derive::make_policy(wanted);
        CHECK(policy.deploy_branch == "production");
        CHECK(derive::is_tracked_branch(policy, "refs/heads/production"));
        const auto all = *derive::make_policy({});
        CHECK(derive::is_tracked_branch(all, "refs/heads/any/thing"));
    }

    TEST_CASE("strategies parse and print") {
        CHECK(*derive::parse_strategy("branch") == derive::Strategy::branch);
        CHECK(derive::strategy_name(derive::Strategy::none) == "none");
        CHECK_FALSE(derive::parse_strategy("tag").has_value());
    }
}
