#include "derive/pre_push.hpp"
#include "fake_history.hpp"

#include <doctest/doctest.h>

using fake_history::FakeHistory;

namespace {

constexpr long long k_now = 1800000000;

// A clone whose origin has a-b (refs/remotes/origin/main) and whose main has
// two more commits, c-d, not pushed yet.
FakeHistory ahead_clone() {
    FakeHistory h;
    h.chain({"a", "b", "c", "d"});
    h.branch("main", "d");
    h.set_ref("refs/remotes/origin/main", "b");
    return h;
}

derive::PushedRef pushed(const std::string& branch, const std::string& local_id,
                         const std::string& remote_id = "") {
    return {"refs/heads/" + branch, local_id, "refs/heads/" + branch, remote_id};
}

// Return the changes the rule derives, in order, checking each is timed now.
std::vector<std::string> changes(FakeHistory& h, const std::vector<derive::PushedRef>& refs,
                                 derive::Policy policy = {}, const std::string& remote = "origin") {
    auto ready = derive::make_policy(std::move(policy));
    REQUIRE(ready.has_value());
    auto derived = derive::pre_push(refs, h.refs(), remote, h, *ready, k_now);
    REQUIRE_MESSAGE(derived.has_value(), (derived ? "" : derived.error().message));
    std::vector<std::string> ids;
    for (const auto& event : derived->events) {
        const auto* change = std::get_if<model::Change>(&event);
        REQUIRE(change != nullptr);
        CHECK(change->time == k_now);
        CHECK(change->source == "git");
        ids.push_back(change->id);
    }
    CHECK(derived->summary.changes == ids.size());
    return ids;
}

using Ids = std::vector<std::string>;

} // namespace

TEST_SUITE("derive::pre_push") {
    TEST_CASE("the remote lacks commits: one change each, parents first") {
        auto h = ahead_clone();
        SUBCASE("its old id says what it has") {
            h.remove_ref("refs/remotes/origin/main");
            CHECK(changes(h, {pushed("main", "d", "b")}) == Ids{"c", "d"});
        }
        SUBCASE("its remote-tracking branch says what it has") {
            CHECK(changes(h, {pushed("main", "d", "a")}) == Ids{"c", "d"});
        }
        SUBCASE("with neither, the whole history is new") {
            h.remove_ref("refs/remotes/origin/main");
            CHECK(changes(h, {pushed("main", "d")}) == Ids{"a", "b", "c", "d"});
        }
    }

    TEST_CASE("the remote already has the commits through refs/remotes") {
        auto h = ahead_clone();
        h.set_ref("refs/remotes/origin/main", "d");
        h.branch("copy", "c");
        CHECK(changes(h, {pushed("copy", "c")}).empty());
        SUBCASE("another remote's tracking refs say nothing of this one") {
            h.remove_ref("refs/remotes/origin/main");
            h.set_ref("refs/remotes/upstream/main", "d");
            CHECK(changes(h, {pushed("copy", "c")}) == Ids{"a", "b", "c"});
        }
    }

    TEST_CASE("a new branch: only its commits the remote lacks") {
        auto h = ahead_clone();
        h.chain({"f1", "f2"}, "b");
        h.branch("feature", "f2");
        CHECK(changes(h, {pushed("feature", "f2")}) == Ids{"f1", "f2"});
    }

    TEST_CASE("a deleted ref sends nothing, but what the remote had still counts") {
        auto h = ahead_clone();
        h.remove_ref("refs/remotes/origin/main");
        h.branch("gone", "c");
        CHECK(changes(h, {pushed("gone", "", "c")}).empty());
        CHECK(changes(h, {pushed("gone", "", "c"), pushed("main", "d")}) == Ids{"d"});
    }

    TEST_CASE("a remote id this clone never fetched excludes nothing") {
        auto h = ahead_clone();
        CHECK(changes(h, {pushed("main", "d", "elsewhere")}) == Ids{"c", "d"});
    }

    TEST_CASE("a push to a URL: no tracking refs, the remote ids alone") {
        auto h = ahead_clone();
        CHECK(changes(h, {pushed("main", "d", "c")}, {}, "/srv/git/shop.git") == Ids{"d"});
        CHECK(changes(h, {pushed("main", "d")}, {}, "/srv/git/shop.git") ==
              Ids{"a", "b", "c", "d"});
    }

    TEST_CASE("only tracked branches and release tags send history") {
        auto h = ahead_clone();
        const auto annotated = h.annotated_tag("v1.0.0", "c");
        h.tag("v1.0.0-rc1", "d");
        const derive::PushedRef release{"refs/tags/v1.0.0", annotated, "refs/tags/v1.0.0", ""};
        const derive::PushedRef candidate{"refs/tags/v1.0.0-rc1", "d", "refs/tags/v1.0.0-rc1", ""};
        CHECK(changes(h, {candidate}).empty());
        CHECK(changes(h, {release}) == Ids{"c"});
        derive::Policy releases_only;
        releases_only.branch_globs = {"release/*"};
        releases_only.deploy_branch = "release/1";
        CHECK(changes(h, {pushed("main", "d")}, releases_only).empty());
        CHECK(changes(h, {pushed("release/2", "d")}, releases_only) == Ids{"c", "d"});
    }

    TEST_CASE("a tag pushed under another name is judged by the remote name") {
        auto h = ahead_clone();
        h.tag("local-name", "d");
        const derive::PushedRef renamed{"refs/tags/local-name", "d", "refs/tags/v2.0.0", ""};
        CHECK(changes(h, {renamed}) == Ids{"c", "d"});
    }

    TEST_CASE("a tag on a tree is no release and walks nothing") {
        auto h = ahead_clone();
        h.tree("t");
        h.tag("v3.0.0", "t");
        const derive::PushedRef tree_tag{"refs/tags/v3.0.0", "t", "refs/tags/v3.0.0", ""};
        CHECK(changes(h, {tree_tag}).empty());
    }

    TEST_CASE("a sent tip the history cannot read is an error") {
        auto h = ahead_clone();
        auto derived = derive::pre_push({pushed("main", "missing")}, h.refs(), "origin", h,
                                        *derive::make_policy({}), k_now);
        REQUIRE_FALSE(derived.has_value());
        CHECK(derived.error().message.find("missing") != std::string::npos);
    }
}
