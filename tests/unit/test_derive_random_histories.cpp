#include "git_fixture.hpp"

#include <random>

using git_fixture::GitRepo;
using git_fixture::TempDir;

namespace {

// Write a fast-import stream of a random history: branches, merges, clock
// skew, annotated and lightweight release tags, and tags that are not releases.
std::string random_history(unsigned seed, int steps) {
    std::mt19937 random(seed);
    auto chance = [&](int percent) { return static_cast<int>(random() % 100) < percent; };
    std::vector<int> tips{0, 0, 0, 0};
    std::string stream;
    int mark = 0;
    int tags = 0;
    long long time = 1600000000;
    for (int step = 0; step < steps; ++step) {
        const auto branch = random() % tips.size();
        time += 60 + static_cast<long long>(random() % 600);
        if (mark > 0 && chance(12)) {
            const auto name =
                chance(80) ? "v1." + std::to_string(tags / 10) + "." + std::to_string(tags % 10)
                           : "build-" + std::to_string(tags);
            ++tags;
            const auto target = tips[branch] ? tips[branch] : mark;
            if (chance(60)) {
                const auto skew = static_cast<long long>(random() % 7200) - 3600;
                stream += "tag " + name + "\nfrom :" + std::to_string(target) +
                          "\ntagger T <t@example.com> " + std::to_string(time + skew) +
                          " +0000\ndata 2\nt\n";
            } else {
                stream += "reset refs/tags/" + name + "\nfrom :" + std::to_string(target) + "\n\n";
            }
            continue;
        }
        const auto skewed = chance(10) ? time - static_cast<long long>(random() % 20000) : time;
        stream += "commit refs/heads/b" + std::to_string(branch) +
                  "\nmark :" + std::to_string(++mark) + "\ncommitter C <c@example.com> " +
                  std::to_string(skewed) + " +0000\ndata 2\nc\n";
        if (tips[branch]) {
            stream += "from :" + std::to_string(tips[branch]) + "\n";
        }
        const auto other = random() % tips.size();
        if (other != branch && tips[other] && tips[branch] && chance(25)) {
            stream += "merge :" + std::to_string(tips[other]) + "\n";
        }
        stream += "\n";
        tips[branch] = mark;
    }
    return stream;
}

} // namespace

TEST_SUITE("derive::backfill") {
    TEST_CASE("random histories with clock skew: each deployment is exactly what its tag reaches "
              "and no earlier release does") {
        for (const unsigned seed : {1u, 2u, 3u, 4u, 5u}) {
            CAPTURE(seed);
            TempDir dir;
            GitRepo repo(dir, "random.git", true);
            repo.fast_import(random_history(seed, 400));
            const auto events = git_fixture::backfill(repo);
            CHECK(events.changes == repo.rev_list("--branches --tags='v*'"));
            REQUIRE_FALSE(events.deployment_order.empty());
            std::vector<std::string> earlier;
            std::set<std::string> shipped;
            for (const auto& name : events.deployment_order) {
                CHECK_MESSAGE(events.deployments.at(name) == repo.reachable_not(name, earlier),
                              name);
                shipped.insert(events.deployments.at(name).begin(),
                               events.deployments.at(name).end());
                earlier.push_back(name);
            }
            CHECK(shipped == repo.rev_list("--tags='v*'"));
        }
    }
}

TEST_SUITE("derive::backfill") {
    TEST_CASE("random histories read through git's commit-graph file, whole or older than the "
              "newest commits, derive what the objects do") {
        for (const unsigned seed : {11u, 12u, 13u}) {
            CAPTURE(seed);
            TempDir dir;
            GitRepo repo(dir, "random.git", true);
            repo.fast_import(random_history(seed, 300));
            const auto from_objects = git_fixture::backfill(repo);
            repo.git("commit-graph write --reachable");
            const auto from_graph = git_fixture::backfill(repo);
            CHECK(from_graph.order == from_objects.order);
            CHECK(from_graph.deployments == from_objects.deployments);
            CHECK(from_graph.change_times == from_objects.change_times);
            // Commits newer than the graph: walked from their objects, their
            // parents found in the graph.
            repo.fast_import("commit refs/heads/b0\nmark :1\ncommitter C <c@example.com> "
                             "1700000000 +0000\ndata 2\nn\nfrom refs/heads/b0^0\n"
                             "merge refs/heads/b1\n\n"
                             "commit refs/heads/b0\nmark :2\ncommitter C <c@example.com> "
                             "1700000060 +0000\ndata 2\nn\n\nreset refs/tags/v9.9.9\nfrom :2\n\n");
            const auto mixed = git_fixture::backfill(repo);
            repo.git("commit-graph write --reachable");
            const auto whole = git_fixture::backfill(repo);
            CHECK(mixed.changes.size() == from_objects.changes.size() + 2);
            CHECK(mixed.changes == repo.rev_list("--branches --tags='v*'"));
            CHECK(mixed.order == whole.order);
            CHECK(mixed.deployments == whole.deployments);
            auto earlier = mixed.deployment_order;
            REQUIRE(earlier.back() == "v9.9.9");
            earlier.pop_back();
            CHECK(mixed.deployments.at("v9.9.9") == repo.reachable_not("v9.9.9", earlier));
        }
    }
}
