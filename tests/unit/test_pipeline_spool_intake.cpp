#include "pipeline/spool_intake.hpp"
#include "spool/record.hpp"
#include "spool/spool.hpp"
#include "temp_dir.hpp"

#include <doctest/doctest.h>
#include <unistd.h>

namespace {

constexpr const char* k_update =
    "0000000000000000000000000000000000000000 1111111111111111111111111111111111111111 "
    "refs/heads/main\n";

// An outbox and the spool beside it, as the single-user layout has them.
struct Fixture {
    test_support::TempDir dir;
    config::Settings settings = [this] {
        config::Settings s;
        s.outbox = dir.path() / "outbox.db";
        s.spool = dir.path() / "spool";
        return s;
    }();
    outbox::Outbox box = outbox::Outbox::open(settings.outbox).value();
    spool::Spool folder{settings.spool};

    Fixture() {
        std::filesystem::create_directory(settings.spool);
        std::filesystem::create_directory(dir.path() / "repo.git");
    }

    spool::PushRecord record(model::UnixSeconds pushed_at) const {
        return {.git_dir = (dir.path() / "repo.git").string(),
                .updates = k_update,
                .pushed_at = pushed_at,
                .pusher = "ada",
                .changes = {},
                .system = "",
                .environment = ""};
    }

    std::string drop(const spool::PushRecord& r) { return folder.drop(spool::encode(r)).value(); }
};

} // namespace

TEST_SUITE("pipeline::take_spooled_pushes") {
    TEST_CASE("spooled pushes move into the outbox in the order they landed") {
        Fixture f;
        const auto now = model::now();
        f.drop(f.record(now - 2));
        f.drop(f.record(now - 1));
        const auto report = pipeline::take_spooled_pushes(f.settings, f.box);
        CHECK(report.taken == 2);
        CHECK(report.problems.empty());
        CHECK(f.folder.pending().value().empty());
        const auto waiting = f.box.pushes().waiting(now + 10);
        REQUIRE(waiting.size() == 2);
        CHECK(waiting[0].pushed_at == now - 2);
        CHECK(waiting[1].pushed_at == now - 1);
        CHECK(waiting[0].git_dir == (f.dir.path() / "repo.git").string());
        CHECK(waiting[0].updates == k_update);
        CHECK(waiting[0].pusher == "ada");
        CHECK(waiting[0].spool_id != waiting[1].spool_id);
    }

    TEST_CASE("a push taken twice (a crash before its file was removed) is recorded once") {
        Fixture f;
        const auto name = f.drop(f.record(model::now()));
        const auto bytes = f.folder.read(f.folder.pending().value().at(0), 1 << 20).value();
        pipeline::take_spooled_pushes(f.settings, f.box);
        // The same file again, as if removing it had not happened.
        const spool::Spool same(f.settings.spool);
        const auto again = same.drop(bytes).value();
        std::filesystem::rename(f.settings.spool / again, f.settings.spool / name);
        const auto report = pipeline::take_spooled_pushes(f.settings, f.box);
        CHECK(report.taken == 1);
        CHECK(f.box.pushes().waiting(model::now() + 10).size() == 1);
    }

    TEST_CASE("a record that is not one is set aside with a reason, and the rest go on") {
        Fixture f;
        f.folder.drop("garbage").value();
        auto bad_updates = f.record(model::now());
        bad_updates.updates = "not three words\n";
        f.drop(bad_updates);
        f.drop(f.record(model::now()));
        const auto report = pipeline::take_spooled_pushes(f.settings, f.box);
        CHECK(report.taken == 1);
        REQUIRE(report.problems.size() == 2);
        CHECK(report.problems[0].find("is unreadable: it is not JSON") != std::string::npos);
        CHECK(report.problems[1].find("has bad ref updates") != std::string::npos);
        CHECK(f.folder.pending().value().empty());
        std::size_t aside = 0;
        for (const auto& item : std::filesystem::directory_iterator(f.settings.spool)) {
            aside += item.path().extension() == ".bad";
        }
        CHECK(aside == 2);
    }

    TEST_CASE("a time far from when the file landed is replaced by the landing time") {
        Fixture f;
        f.drop(f.record(1000));
        f.drop(f.record(model::now() + 86400));
        pipeline::take_spooled_pushes(f.settings, f.box);
        for (const auto& push : f.box.pushes().waiting(model::now() + 10)) {
            CHECK(push.pushed_at >= model::now() - 60);
            CHECK(push.pushed_at <= model::now());
        }
    }

    TEST_CASE("a record written by one user for another user's repository is not trusted") {
        Fixture f;
        REQUIRE_MESSAGE(::geteuid() == 0, "the test changes file owners, as root does");
        constexpr uid_t k_other = 65534;
        const auto name = f.drop(f.record(model::now()));
        REQUIRE(::chown((f.settings.spool / name).c_str(), k_other, k_other) == 0);
        auto report = pipeline::take_spooled_pushes(f.settings, f.box);
        CHECK(report.taken == 0);
        REQUIRE(report.problems.size() == 1);
        CHECK(report.problems[0].find("is not trusted: user 65534 wrote it for") !=
              std::string::npos);

        // The same writer for a repository it owns: taken.
        const auto owned = f.drop(f.record(model::now()));
        REQUIRE(::chown((f.settings.spool / owned).c_str(), k_other, k_other) == 0);
        REQUIRE(::chown((f.dir.path() / "repo.git").c_str(), k_other, k_other) == 0);
        report = pipeline::take_spooled_pushes(f.settings, f.box);
        CHECK(report.taken == 1);
        CHECK(report.problems.empty());
    }

    TEST_CASE("a missing spool folder is nothing to take") {
        Fixture f;
        std::filesystem::remove(f.settings.spool);
        const auto report = pipeline::take_spooled_pushes(f.settings, f.box);
        CHECK(report.taken == 0);
        CHECK(report.problems.empty());
    }
}

TEST_SUITE("pipeline::take_spooled_pushes changes") {
    TEST_CASE("pre-push's spooled changes are queued as they were derived, once") {
        Fixture f;
        auto record = f.record(model::now());
        record.updates = "";
        record.changes = {{"c1", 1700000001}, {"c2", 1700000002}};
        record.system = "shop";
        record.environment = "git-pre-push";
        f.drop(record);
        f.drop(record);
        const auto report = pipeline::take_spooled_pushes(f.settings, f.box);
        CHECK(report.taken == 2);
        CHECK(f.box.pushes().waiting(model::now() + 10).empty());
        CHECK(f.box.change_time("shop", "c1") == 1700000001);
        CHECK(f.box.change_time("shop", "c2") == 1700000002);
        CHECK(f.box.counts(model::now()).queued == 2);
    }
}
