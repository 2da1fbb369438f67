#include "git_fixture.hpp"
#include "outbox/outbox.hpp"
#include "outbox/repo_state.hpp"

#include <doctest/doctest.h>

namespace {

// A fresh outbox file in a temporary folder.
struct TempOutbox {
    git_fixture::TempDir dir;
    outbox::Outbox box = model::value_or_throw(open());

    model::Expected<outbox::Outbox> open() const {
        return outbox::Outbox::open(dir.path() / "outbox.db");
    }
};

model::Ref branch(std::string name, std::string id) {
    return {"refs/heads/" + name, id, id, model::ObjectKind::commit, std::nullopt};
}

model::Ref annotated_tag(std::string name, std::string tag_id, std::string commit_id,
                         model::UnixSeconds when) {
    return {"refs/tags/" + name, tag_id, commit_id, model::ObjectKind::commit, when};
}

void check_same(const model::RefSnapshot& a, const model::RefSnapshot& b) {
    REQUIRE(a.size() == b.size());
    for (std::size_t i = 0; i < a.size(); ++i) {
        CHECK(a[i].name == b[i].name);
        CHECK(a[i].target == b[i].target);
        CHECK(a[i].peeled == b[i].peeled);
        CHECK(a[i].peeled_kind == b[i].peeled_kind);
        CHECK(a[i].tagger_time == b[i].tagger_time);
    }
}

const std::string k_a(40, 'a');
const std::string k_b(40, 'b');
const std::string k_c(40, 'c');

} // namespace

TEST_SUITE("outbox::RepoState") {
    TEST_CASE("a repository never seen has no snapshot") {
        TempOutbox temp;
        outbox::RepoState state(temp.box.database());
        CHECK_FALSE(state.snapshot("/srv/git/x.git").has_value());
        CHECK(state.list().empty());
    }

    TEST_CASE("a first snapshot, even an empty one, is stored and read back") {
        TempOutbox temp;
        outbox::RepoState state(temp.box.database());
        const model::RefSnapshot refs = {branch("main", k_a),
                                         annotated_tag("v1.0.0", k_b, k_a, 42)};
        {
            outbox::Transaction tx(temp.box.database());
            state.save("/srv/git/x.git", "x", nullptr, refs, 1000, tx);
            state.save("/srv/git/empty.git", "empty", nullptr, {}, 1000, tx);
            tx.commit();
        }
        check_same(*state.snapshot("/srv/git/x.git"), refs);
        REQUIRE(state.snapshot("/srv/git/empty.git").has_value());
        CHECK(state.snapshot("/srv/git/empty.git")->empty());
        const auto records = state.list();
        REQUIRE(records.size() == 2);
        CHECK(records[1].path == "/srv/git/x.git");
        CHECK(records[1].system == "x");
        CHECK(records[1].first_seen == 1000);
        CHECK(records[1].last_change == 0);
        CHECK(records[1].refs == 2);
    }

    TEST_CASE("a changed snapshot replaces the old one: updated, created and deleted refs") {
        TempOutbox temp;
        outbox::RepoState state(temp.box.database());
        const model::RefSnapshot before = {branch("gone", k_c), branch("main", k_a)};
        const model::RefSnapshot after = {branch("main", k_b),
                                          annotated_tag("v1.0.0", k_c, k_b, 7)};
        outbox::Transaction first(temp.box.database());
        state.save("/r.git", "r", nullptr, before, 10, first);
        first.commit();
        outbox::Transaction second(temp.box.database());
        state.save("/r.git", "r", &before, after, 20, second);
        second.commit();
        check_same(*state.snapshot("/r.git"), after);
        CHECK(state.list()[0].last_change == 20);
        CHECK(state.list()[0].first_seen == 10);
    }

    TEST_CASE("a snapshot saved in a transaction that rolls back leaves no trace, nor do its "
              "events") {
        TempOutbox temp;
        outbox::RepoState state(temp.box.database());
        const model::Envelope event{"r", "git-daemon", model::Change{k_a, 5}};
        {
            outbox::Transaction tx(temp.box.database());
            temp.box.enqueue(std::span(&event, 1), tx);
            state.save("/r.git", "r", nullptr, {branch("main", k_a)}, 10, tx);
        }
        CHECK_FALSE(state.snapshot("/r.git").has_value());
        CHECK(temp.box.list().empty());
    }

    TEST_CASE("polls and watched marks are recorded per path") {
        TempOutbox temp;
        outbox::RepoState state(temp.box.database());
        outbox::Transaction tx(temp.box.database());
        state.save("/a.git", "a", nullptr, {}, 10, tx);
        state.save("/b.git", "b", nullptr, {}, 10, tx);
        tx.commit();
        const outbox::PollMark polls[] = {{"/a.git", 30, ""},
                                          {"/b.git", 31, "reading refs: boom"},
                                          {"/c.git", 32, "opening repository: boom"}};
        outbox::Transaction marks(temp.box.database());
        state.mark_polls(polls, marks);
        marks.commit();
        const std::string gone[] = {"/b.git"};
        state.mark_gone(gone);
        const auto records = state.list();
        REQUIRE(records.size() == 3);
        CHECK(records[0].last_poll == 30);
        CHECK(records[0].watched);
        CHECK(records[1].last_poll == 31);
        CHECK(records[1].last_error == "reading refs: boom");
        CHECK_FALSE(records[1].watched);
        CHECK(records[2].last_error == "opening repository: boom");
        CHECK_FALSE(records[2].has_snapshot);
        SUBCASE("a repository whose first poll failed has no snapshot until one is saved") {
            CHECK_FALSE(state.snapshot("/c.git").has_value());
            outbox::Transaction tx2(temp.box.database());
            state.save("/c.git", "c", nullptr, {branch("main", k_a)}, 40, tx2);
            tx2.commit();
            CHECK(state.snapshot("/c.git").has_value());
            CHECK(state.list()[2].last_change == 0);
            CHECK(state.list()[2].last_error.empty());
        }
    }

    TEST_CASE("two connections to one file see each other's snapshots") {
        TempOutbox temp;
        outbox::RepoState state(temp.box.database());
        outbox::Transaction tx(temp.box.database());
        state.save("/a.git", "a", nullptr, {branch("main", k_a)}, 10, tx);
        tx.commit();
        auto other = model::value_or_throw(temp.open());
        outbox::RepoState other_state(other.database());
        check_same(*other_state.snapshot("/a.git"), {branch("main", k_a)});
    }
}
