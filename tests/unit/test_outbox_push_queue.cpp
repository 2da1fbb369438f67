#include "outbox/database.hpp"
#include "outbox/outbox.hpp"
#include "outbox/push_queue.hpp"
#include "temp_dir.hpp"

#include <doctest/doctest.h>

namespace {

// A time after every push these tests record.
constexpr model::UnixSeconds k_now = 1800000000;

outbox::RecordedPush push_to(const std::string& git_dir, const std::string& ref) {
    outbox::RecordedPush push;
    push.git_dir = git_dir;
    push.updates = std::string(40, '0') + " " + std::string(40, 'a') + " " + ref + "\n";
    push.pushed_at = 1700000000;
    push.pusher = "ada";
    return push;
}

std::vector<std::int64_t> seqs(const std::vector<outbox::RecordedPush>& pushes) {
    std::vector<std::int64_t> out;
    for (const auto& push : pushes) {
        out.push_back(push.seq);
    }
    return out;
}

// A fresh outbox and its push queue.
struct Fixture {
    test_support::TempDir scratch;
    outbox::Outbox box = outbox::Outbox::open(scratch.path() / "o.db").value();
    outbox::PushQueue queue = box.pushes();

    std::int64_t record(const std::string& git_dir, const std::string& ref) {
        return queue.record(push_to(git_dir, ref)).value();
    }

    void derive(std::int64_t seq) { box.commit_derived_push(seq, "", {}); }
};

} // namespace

TEST_SUITE("outbox::PushQueue") {
    TEST_CASE_FIXTURE(Fixture, "a recorded push is kept whole and waits, oldest first") {
        const auto a = record("/srv/a.git", "refs/heads/main");
        const auto b = record("/srv/b.git", "refs/tags/v1.0.0");
        CHECK(a < b);
        CHECK(seqs(queue.waiting(k_now)) == std::vector{a, b});
        const auto found = queue.find(b).value();
        CHECK(found.git_dir == "/srv/b.git");
        CHECK(found.updates == push_to("", "refs/tags/v1.0.0").updates);
        CHECK(found.pushed_at == 1700000000);
        CHECK(found.pusher == "ada");
        CHECK(found.state == outbox::PushState::waiting);
        CHECK(queue.counts().waiting == 2);
    }

    TEST_CASE("the table survives reopening, and an old outbox gets it") {
        test_support::TempDir s;
        {
            auto box = outbox::Outbox::open(s.path() / "o.db").value();
            box.pushes().record(push_to("/srv/a.git", "refs/heads/main"));
        }
        auto box = outbox::Outbox::open(s.path() / "o.db").value();
        CHECK(box.pushes().waiting(k_now).size() == 1);
        // An outbox made before the table existed gets it when opened.
        outbox::Database(s.path() / "o.db").exec("DROP TABLE pushes");
        auto old = outbox::Outbox::open(s.path() / "o.db").value();
        auto queue = old.pushes();
        CHECK(queue.record(push_to("/srv/a.git", "refs/heads/main")).value() > 0);
        CHECK(queue.waiting(k_now).size() == 1);
    }

    TEST_CASE("an outbox made before pushes were retried later gets the column") {
        test_support::TempDir s;
        const auto path = s.path() / "o.db";
        outbox::Outbox::open(path).value().pushes().record(push_to("/srv/a.git", "refs/heads/x"));
        {
            outbox::Database db(path);
            db.exec("ALTER TABLE pushes DROP COLUMN next_attempt");
        }
        auto box = outbox::Outbox::open(path).value();
        auto queue = box.pushes();
        REQUIRE(queue.waiting(k_now).size() == 1);
        queue.mark_failed(queue.waiting(k_now)[0].seq, "x", k_now + 5);
        CHECK(queue.waiting(k_now).empty());
    }

    TEST_CASE_FIXTURE(Fixture, "later() lists the kept pushes of one repository after a push") {
        const auto a1 = record("/srv/a.git", "refs/heads/main");
        const auto b1 = record("/srv/b.git", "refs/heads/main");
        const auto a2 = record("/srv/a.git", "refs/heads/x");
        const auto a3 = record("/srv/a.git", "refs/heads/y");
        derive(a2);
        CHECK(seqs(queue.later("/srv/a.git", a1)) == std::vector{a2, a3});
        CHECK(seqs(queue.later("/srv/a.git", a2)) == std::vector{a3});
        CHECK(queue.later("/srv/b.git", b1).empty());
    }

    TEST_CASE_FIXTURE(Fixture, "a push that failed waits until its next attempt is due") {
        const auto a = record("/srv/a.git", "refs/heads/main");
        const auto b = record("/srv/b.git", "refs/heads/main");
        queue.mark_failed(a, "repository unreadable", k_now + 30);
        CHECK(queue.find(a)->state == outbox::PushState::waiting);
        CHECK(queue.find(a)->attempts == 1);
        CHECK(queue.find(a)->next_attempt == k_now + 30);
        CHECK(queue.find(a)->last_error == "repository unreadable");
        CHECK(seqs(queue.waiting(k_now + 29)) == std::vector{b});
        CHECK(seqs(queue.waiting(k_now + 30)) == std::vector{a, b});
        CHECK(queue.counts().waiting == 2);
    }

    TEST_CASE_FIXTURE(Fixture, "a push that keeps failing is parked as failed with its reason") {
        const auto a = record("/srv/a.git", "refs/heads/main");
        queue.mark_failed(a, "first", k_now);
        queue.mark_failed(a, "second", k_now);
        CHECK(queue.find(a)->state == outbox::PushState::waiting);
        CHECK(queue.find(a)->attempts == 2);
        queue.mark_failed(a, "third", std::nullopt);
        CHECK(queue.find(a)->state == outbox::PushState::failed);
        CHECK(queue.waiting(k_now + 1000000).empty());
        CHECK(queue.counts().failed == 1);
        REQUIRE(queue.failed().size() == 1);
        CHECK(queue.failed()[0].last_error == "third");
    }

    TEST_CASE_FIXTURE(Fixture, "derived pushes are kept exactly while an earlier one waits") {
        const auto a1 = record("/srv/a.git", "refs/heads/main");
        const auto b1 = record("/srv/b.git", "refs/heads/main");
        const auto a2 = record("/srv/a.git", "refs/heads/x");
        derive(b1);
        derive(a2);
        queue.prune();
        // a2 is still needed to derive a1 (it must be undone); b1 is not.
        CHECK(!queue.find(b1).has_value());
        CHECK(queue.find(a2).has_value());
        derive(a1);
        queue.prune();
        CHECK(!queue.find(a1).has_value());
        CHECK(!queue.find(a2).has_value());
    }
}
