#include "derive/derive.hpp"

#include <doctest/doctest.h>

namespace {

model::Ref ref(std::string name, std::string target) {
    return {std::move(name), target, target, model::ObjectKind::commit, std::nullopt};
}

const std::string k_a(40, 'a');
const std::string k_b(40, 'b');

} // namespace

TEST_SUITE("derive::branch_and_tag_refs") {
    TEST_CASE("keeps branches and tags only") {
        const auto refs = derive::branch_and_tag_refs(
            {ref("refs/changes/01/1/1", k_a), ref("refs/heads/main", k_a),
             ref("refs/notes/commits", k_b), ref("refs/pull/7/head", k_a),
             ref("refs/remotes/origin/main", k_a), ref("refs/tags/v1.0.0", k_b)});
        REQUIRE(refs.size() == 2);
        CHECK(refs[0].name == "refs/heads/main");
        CHECK(refs[1].name == "refs/tags/v1.0.0");
    }
}

TEST_SUITE("derive::diff_refs") {
    TEST_CASE("equal snapshots give no update") {
        const model::RefSnapshot refs = {ref("refs/heads/main", k_a), ref("refs/tags/v1", k_b)};
        CHECK(derive::diff_refs(refs, refs).empty());
    }

    TEST_CASE("creations, moves and deletions read like a push, sorted by name") {
        const model::RefSnapshot before = {ref("refs/heads/gone", k_a),
                                           ref("refs/heads/main", k_a)};
        const model::RefSnapshot after = {ref("refs/tags/v1", k_b), ref("refs/heads/main", k_b)};
        const auto updates = derive::diff_refs(before, after);
        REQUIRE(updates.size() == 3);
        CHECK(updates[0].name == "refs/heads/gone");
        CHECK(updates[0].old_id == k_a);
        CHECK(updates[0].new_id.empty());
        CHECK(updates[1].name == "refs/heads/main");
        CHECK(updates[1].old_id == k_a);
        CHECK(updates[1].new_id == k_b);
        CHECK(updates[2].name == "refs/tags/v1");
        CHECK(updates[2].old_id.empty());
        CHECK(updates[2].new_id == k_b);
    }

    TEST_CASE("an annotated tag compares by its tag object, not by what it peels to") {
        model::Ref before = ref("refs/tags/v1", k_a);
        model::Ref after = before;
        after.target = k_b;
        const auto updates = derive::diff_refs({before}, {after});
        REQUIRE(updates.size() == 1);
        CHECK(updates[0].old_id == k_a);
        CHECK(updates[0].new_id == k_b);
    }
}
