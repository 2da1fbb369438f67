#include "git_fixture.hpp"
#include "outbox/database.hpp"
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

// Store a poll's refs (and no events) the way the daemon does.
void save(outbox::Outbox& box, const std::string& path, const model::RefSnapshot* before,
          const model::RefSnapshot& after, model::UnixSeconds now) {
    const auto system = std::filesystem::path(path).stem().string();
    box.commit_poll({path, system, before, &after, now}, {});
}

// Return a ref name long enough to live on the heap, not in the string itself.
std::string long_name(int i) {
    return "refs/heads/feature/a-branch-name-well-past-the-small-string-buffer-" +
           std::to_string(i);
}

const std::string k_a(40, 'a');
const std::string k_b(40, 'b');
const std::string k_c(40, 'c');

} // namespace

TEST_SUITE("outbox::RepoState") {
    TEST_CASE("a repository never seen has no snapshot") {
        TempOutbox temp;
        CHECK_FALSE(temp.box.repositories().snapshot("/srv/git/x.git").has_value());
        CHECK(temp.box.repositories().list().empty());
    }

    TEST_CASE("a first snapshot, even an empty one, is stored and read back") {
        TempOutbox temp;
        const model::RefSnapshot refs = {branch("main", k_a),
                                         annotated_tag("v1.0.0", k_b, k_a, 42)};
        save(temp.box, "/srv/git/x.git", nullptr, refs, 1000);
        save(temp.box, "/srv/git/empty.git", nullptr, {}, 1000);
        auto state = temp.box.repositories();
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
        const model::RefSnapshot before = {branch("gone", k_c), branch("main", k_a)};
        const model::RefSnapshot after = {branch("main", k_b),
                                          annotated_tag("v1.0.0", k_c, k_b, 7)};
        save(temp.box, "/r.git", nullptr, before, 10);
        save(temp.box, "/r.git", &before, after, 20);
        auto state = temp.box.repositories();
        check_same(*state.snapshot("/r.git"), after);
        CHECK(state.list()[0].last_change == 20);
        CHECK(state.list()[0].first_seen == 10);
    }

    TEST_CASE("a snapshot of hundreds of refs compared with the stored one keeps every ref") {
        // The refs compared with are looked up by name while the new ones are
        // written; those names must still be alive then (the daemon once
        // lost refs here, then reported old releases as new).
        TempOutbox temp;
        model::RefSnapshot before;
        for (int i = 0; i < 300; ++i) {
            before.push_back(branch(long_name(i).substr(11), k_a));
        }
        std::sort(before.begin(), before.end(),
                  [](const auto& x, const auto& y) { return x.name < y.name; });
        save(temp.box, "/r.git", nullptr, before, 10);
        auto after = before;
        after[7].target = after[7].peeled = k_b;
        after.erase(after.begin() + 100);
        save(temp.box, "/r.git", &before, after, 20);
        check_same(*temp.box.repositories().snapshot("/r.git"), after);
        auto again = after;
        again[200].target = again[200].peeled = k_c;
        save(temp.box, "/r.git", &after, again, 30);
        check_same(*temp.box.repositories().snapshot("/r.git"), again);
    }

    TEST_CASE("a poll's events and snapshot commit together or not at all") {
        TempOutbox temp;
        const model::Envelope event{"r", "git-daemon", model::Change{k_a, 5}};
        const model::RefSnapshot refs = {branch("main", k_a)};
        {
            // Another connection makes every write of a ref fail, as a full
            // disk or a damaged file would, after the events are in.
            outbox::Database db(temp.dir.path() / "outbox.db");
            db.exec("CREATE TRIGGER refuse BEFORE INSERT ON watch_refs "
                    "BEGIN SELECT RAISE(ABORT, 'disk full'); END");
        }
        CHECK_THROWS_WITH(
            temp.box.commit_poll({"/r.git", "r", nullptr, &refs, 10}, std::span(&event, 1)),
            doctest::Contains("disk full"));
        CHECK_FALSE(temp.box.repositories().snapshot("/r.git").has_value());
        CHECK(temp.box.list().empty());
        outbox::Database(temp.dir.path() / "outbox.db").exec("DROP TRIGGER refuse");
        temp.box.commit_poll({"/r.git", "r", nullptr, &refs, 10}, std::span(&event, 1));
        CHECK(temp.box.repositories().snapshot("/r.git").has_value());
        CHECK(temp.box.list().size() == 1);
    }

    TEST_CASE("polls and watched marks are recorded per path") {
        TempOutbox temp;
        save(temp.box, "/a.git", nullptr, {}, 10);
        save(temp.box, "/b.git", nullptr, {}, 10);
        const outbox::PollMark polls[] = {{"/a.git", 30, ""},
                                          {"/b.git", 31, "reading refs: boom"},
                                          {"/c.git", 32, "opening repository: boom"}};
        temp.box.record_polls(polls);
        const std::string gone[] = {"/b.git"};
        temp.box.repositories().mark_gone(gone);
        auto state = temp.box.repositories();
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
            save(temp.box, "/c.git", nullptr, {branch("main", k_a)}, 40);
            CHECK(state.snapshot("/c.git").has_value());
            CHECK(state.list()[2].last_change == 0);
            CHECK(state.list()[2].last_error.empty());
        }
    }

    TEST_CASE("two connections to one file see each other's snapshots") {
        TempOutbox temp;
        save(temp.box, "/a.git", nullptr, {branch("main", k_a)}, 10);
        auto other = model::value_or_throw(temp.open());
        check_same(*other.repositories().snapshot("/a.git"), {branch("main", k_a)});
    }
}
