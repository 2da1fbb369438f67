#include "git_fixture.hpp"

#include <algorithm>
#include <fstream>
#include <unistd.h>

using git_fixture::GitRepo;
using git_fixture::TempDir;

namespace {

const model::Ref& find_ref(const model::RefSnapshot& refs, const std::string& name) {
    const auto it = std::find_if(refs.begin(), refs.end(),
                                 [&](const model::Ref& ref) { return ref.name == name; });
    REQUIRE_MESSAGE(it != refs.end(), "no ref " << name);
    return *it;
}

std::set<std::string> ids_of(const model::CommitGraph& graph) {
    std::set<std::string> ids;
    for (std::uint32_t i = 0; i < graph.size(); ++i) {
        ids.insert(graph.id(i));
    }
    return ids;
}

// Check the graph's promises: children before parents, parents inside, index right.
void check_graph_shape(const model::CommitGraph& graph) {
    for (std::uint32_t i = 0; i < graph.commits.size(); ++i) {
        CHECK(graph.at(graph.id(i)) == i);
        for (const auto parent : graph.parents(i)) {
            CHECK(parent > i);
        }
    }
}

model::CommitGraph walk(git::Repository& repo, const std::vector<std::string>& include,
                        const std::vector<std::string>& exclude, bool author_times = true) {
    git::Repository::WalkOptions options;
    options.author_times = author_times;
    auto graph = repo.commits(include, exclude, options);
    REQUIRE_MESSAGE(graph.has_value(), (graph ? "" : graph.error().message));
    check_graph_shape(*graph);
    return std::move(*graph);
}

// A history with merges, a maintenance branch and an orphan branch.
void make_history(GitRepo& repo) {
    repo.commit("root");
    repo.commit("two");
    repo.tag("v1.0.0", "HEAD", true);
    repo.checkout("maint", "HEAD");
    repo.commit("fix 1");
    repo.checkout("main");
    repo.commit("three");
    repo.checkout("topic", "HEAD~1");
    repo.commit("topic 1");
    repo.commit("topic 2");
    repo.checkout("main");
    repo.merge("topic");
    repo.merge("maint");
    repo.git("checkout -q --orphan pages");
    repo.commit("pages root");
    repo.checkout("main");
}

} // namespace

TEST_SUITE("git::Repository") {
    TEST_CASE("opening a path that is not a repository is a clear error") {
        TempDir dir;
        auto missing = git::Repository::open(dir.path() / "nowhere");
        REQUIRE_FALSE(missing.has_value());
        CHECK(missing.error().message == "opening repository '" +
                                             (dir.path() / "nowhere").string() +
                                             "': no such file or directory");
        auto plain = git::Repository::open(dir.path());
        REQUIRE_FALSE(plain.has_value());
        CHECK(plain.error().message.starts_with("opening repository '" + dir.path().string() +
                                                "': "));
    }

    TEST_CASE("an empty repository opens and has no refs") {
        TempDir dir;
        GitRepo repo(dir, "empty.git", true);
        auto opened = git_fixture::open(repo);
        CHECK(opened.is_empty());
        CHECK(opened.refs()->empty());
        CHECK_FALSE(opened.shallow_boundary().has_value());
    }

    TEST_CASE("an unknown repository format extension is a clear error") {
        TempDir dir;
        GitRepo repo(dir);
        repo.commit("a");
        repo.git("config core.repositoryformatversion 1");
        repo.git("config extensions.fancyNewThing true");
        auto opened = git::Repository::open(repo.path());
        REQUIRE_FALSE(opened.has_value());
        CHECK(opened.error().message.find("fancynewthing") != std::string::npos);
        CHECK(opened.error().message.find("does not know") != std::string::npos);
    }

    TEST_CASE("a SHA-256 repository is a clear error") {
        TempDir dir;
        GitRepo repo(dir);
        repo.git("init -q --object-format=sha256 " +
                 git_fixture::quote((dir.path() / "sha").string()));
        auto opened = git::Repository::open(dir.path() / "sha");
        REQUIRE_FALSE(opened.has_value());
        CHECK(opened.error().message.find("SHA-256") != std::string::npos);
    }

    TEST_CASE("a repository owned by another user names safe.directory") {
        if (geteuid() != 0) {
            return; // only root can give a folder away
        }
        TempDir dir;
        GitRepo repo(dir, "theirs");
        repo.commit("a");
        repo.run("chown -R nobody " + git_fixture::quote(repo.path().string()));
        auto opened = git::Repository::open(repo.path());
        repo.run("chown -R 0 " + git_fixture::quote(repo.path().string()));
        REQUIRE_FALSE(opened.has_value());
        CHECK(opened.error().message.find("safe.directory") != std::string::npos);
    }

    TEST_CASE("refs: annotated, lightweight and nested tags, tags on trees and blobs") {
        TempDir dir;
        GitRepo repo(dir);
        const auto commit = repo.commit("a");
        repo.tag("light", "HEAD");
        repo.tag("annotated", "HEAD", true);
        const auto outer_time = repo.time() + 60;
        repo.tag("nested", "annotated", true);
        repo.tag("on-tree", "HEAD^{tree}", true);
        const auto blob = repo.git("hash-object -w --stdin", "some text\n");
        repo.tag("on-blob", blob);
        repo.git("symbolic-ref refs/heads/alias refs/heads/main");
        const auto refs = git_fixture::refs_of(repo);
        CHECK(std::is_sorted(refs.begin(), refs.end(),
                             [](const auto& a, const auto& b) { return a.name < b.name; }));
        CHECK(std::none_of(refs.begin(), refs.end(),
                           [](const auto& r) { return r.name == "refs/heads/alias"; }));
        const auto& light = find_ref(refs, "refs/tags/light");
        CHECK(light.target == commit);
        CHECK(light.peeled == commit);
        CHECK(light.peeled_kind == model::ObjectKind::commit);
        CHECK_FALSE(light.tagger_time.has_value());
        const auto& nested = find_ref(refs, "refs/tags/nested");
        CHECK(nested.target == repo.rev_parse("nested"));
        CHECK(nested.target != repo.rev_parse("annotated"));
        CHECK(nested.peeled == commit);
        CHECK(nested.peeled_kind == model::ObjectKind::commit);
        CHECK(nested.tagger_time == outer_time);
        CHECK(find_ref(refs, "refs/tags/on-tree").peeled_kind == model::ObjectKind::tree);
        CHECK(find_ref(refs, "refs/tags/on-blob").peeled_kind == model::ObjectKind::blob);
        CHECK(find_ref(refs, "refs/tags/on-blob").peeled == blob);
    }

    TEST_CASE("refs: non-ASCII and unusual names are read as they are") {
        TempDir dir;
        GitRepo repo(dir);
        repo.commit("a");
        for (const std::string name :
             {"feature/ümlaut-ß", "release/2024.01", "x@y", "日本語", "we{ird}"}) {
            repo.git("branch " + git_fixture::quote(name));
        }
        repo.tag("v1.0.0+build.é", "HEAD");
        const auto refs = git_fixture::refs_of(repo);
        find_ref(refs, "refs/heads/feature/ümlaut-ß");
        find_ref(refs, "refs/heads/日本語");
        find_ref(refs, "refs/heads/we{ird}");
        find_ref(refs, "refs/tags/v1.0.0+build.é");
        CHECK(refs.size() == 7);
    }

    TEST_CASE("refs: a filter peels only the refs it names") {
        TempDir dir;
        GitRepo repo(dir);
        const auto commit = repo.commit("a");
        repo.tag("annotated", "HEAD", true);
        repo.tag("skipped", "HEAD", true);
        // git refuses to point a branch at a tree; a broken server may not.
        std::ofstream(repo.path() / ".git" / "refs" / "heads" / "on-tree")
            << repo.rev_parse("HEAD^{tree}") << "\n";
        auto opened = git_fixture::open(repo);
        const auto refs =
            opened.refs([](const std::string& name) { return name == "refs/tags/annotated"; });
        REQUIRE(refs.has_value());
        CHECK(find_ref(*refs, "refs/tags/annotated").peeled == commit);
        CHECK(find_ref(*refs, "refs/tags/annotated").tagger_time.has_value());
        const auto& skipped = find_ref(*refs, "refs/tags/skipped");
        CHECK(skipped.peeled == skipped.target);
        CHECK(skipped.peeled_kind == model::ObjectKind::unknown);
        // Unread branches are taken to be commits; a walk drops one that is not.
        CHECK(find_ref(*refs, "refs/heads/on-tree").peeled_kind == model::ObjectKind::commit);
        CHECK(find_ref(*refs, "refs/heads/main").peeled == commit);
    }

    TEST_CASE("commits: the set git rev-list gives, children before parents") {
        TempDir dir;
        GitRepo repo(dir);
        make_history(repo);
        auto opened = git_fixture::open(repo);
        const auto main = repo.rev_parse("main");
        const auto maint = repo.rev_parse("maint");
        const auto pages = repo.rev_parse("pages");
        const auto tag = repo.rev_parse("v1.0.0");
        SUBCASE("everything") {
            CHECK(ids_of(walk(opened, {main, pages}, {})) == repo.rev_list("main pages"));
        }
        SUBCASE("a range") {
            CHECK(ids_of(walk(opened, {main}, {maint})) == repo.rev_list("main --not maint"));
            CHECK(ids_of(walk(opened, {main}, {tag})) == repo.rev_list("main --not v1.0.0"));
        }
        SUBCASE("an annotated tag as a tip is peeled") {
            CHECK(ids_of(walk(opened, {tag}, {})) == repo.rev_list("v1.0.0"));
        }
        SUBCASE("nothing left") {
            CHECK(walk(opened, {maint}, {main}).commits.empty());
        }
        SUBCASE("times and parents") {
            const auto graph = walk(opened, {main}, {});
            const auto& merge = graph.commits[graph.at(main)];
            CHECK(graph.parents(graph.at(main)).size() == 2);
            CHECK(merge.first_parent_loaded);
            CHECK(graph.id(graph.parents(graph.at(main))[0]) == repo.rev_parse("main^1"));
            CHECK(merge.committer_time == std::stoll(repo.git("log -1 --format=%ct main")));
        }
        SUBCASE("excluded tips: duplicates, tags, trees, blobs and unknown ids") {
            const auto tree = repo.rev_parse("main^{tree}");
            const auto unknown = std::string(40, 'b');
            CHECK(ids_of(walk(opened, {main}, {maint, maint, tag, tree, unknown, tag})) ==
                  repo.rev_list("main --not maint v1.0.0"));
            CHECK(ids_of(walk(opened, {main, main}, {tree})) == repo.rev_list("main"));
        }
        SUBCASE("an unknown id is an error") {
            auto graph = opened.commits({std::string(40, 'a')}, {});
            REQUIRE_FALSE(graph.has_value());
            CHECK(graph.error().message.find("reading history of") != std::string::npos);
        }
    }

    TEST_CASE("commits: a commit-graph file (v1, v2, split, stale) gives the same graph") {
        TempDir dir;
        GitRepo repo(dir);
        make_history(repo);
        repo.git("merge -q --no-ff -m octopus topic maint pages --allow-unrelated-histories");
        const auto tips = std::vector<std::string>{repo.rev_parse("main"), repo.rev_parse("pages")};
        auto opened = git_fixture::open(repo);
        const auto from_objects = walk(opened, tips, {}, true);
        std::size_t not_in_graph = 0;
        SUBCASE("generation data v1") {
            repo.git("-c commitGraph.generationVersion=1 commit-graph write --reachable");
        }
        SUBCASE("generation data v2") {
            repo.git("-c commitGraph.generationVersion=2 commit-graph write --reachable");
        }
        SUBCASE("a split chain") {
            repo.git("commit-graph write --reachable --split=no-merge --size-multiple=1000");
            repo.commit("after the first layer");
            repo.git("commit-graph write --reachable --split=no-merge --size-multiple=1000");
        }
        SUBCASE("a stale graph missing the newest commits") {
            repo.git("commit-graph write --reachable");
            repo.commit("not in the graph");
            not_in_graph = 1;
        }
        const std::vector<std::string> now_tips{repo.rev_parse("main"), repo.rev_parse("pages")};
        const auto expected = walk(opened, now_tips, {}, true);
        const auto from_graph = walk(opened, now_tips, {}, false);
        REQUIRE(from_graph.commits.size() == expected.commits.size());
        // The graph has no author times: commits it answered for read 0.
        const auto answered = std::count_if(from_graph.commits.begin(), from_graph.commits.end(),
                                            [](const auto& c) { return c.author_time == 0; });
        CHECK(static_cast<std::size_t>(answered) == expected.commits.size() - not_in_graph);
        CHECK(from_objects.commits.size() <= expected.commits.size());
        for (std::uint32_t i = 0; i < expected.size(); ++i) {
            const auto other = from_graph.at(expected.id(i));
            CHECK(from_graph.commits[other].committer_time == expected.commits[i].committer_time);
            const auto parents = expected.parents(i);
            REQUIRE(from_graph.parents(other).size() == parents.size());
            for (std::size_t k = 0; k < parents.size(); ++k) {
                CHECK(from_graph.id(from_graph.parents(other)[k]) == expected.id(parents[k]));
            }
        }
    }

    TEST_CASE("a shallow clone: history is cut where the shallow file says") {
        TempDir dir;
        GitRepo origin(dir);
        for (int i = 0; i < 5; ++i) {
            origin.commit("c" + std::to_string(i));
        }
        origin.run("git clone -q --depth 2 file://" + origin.path().string() + " " +
                   git_fixture::quote((dir.path() / "shallow").string()));
        auto opened = git::Repository::open(dir.path() / "shallow");
        REQUIRE(opened.has_value());
        const auto boundary = opened->shallow_boundary();
        REQUIRE(boundary.has_value());
        const auto cut = origin.rev_parse("HEAD~1");
        CHECK(boundary->find(cut) != std::string::npos);
        CHECK(boundary->find("history is cut") != std::string::npos);
        const auto graph = walk(*opened, {origin.head()}, {});
        CHECK(graph.commits.size() == 2);
        CHECK_FALSE(graph.commits[graph.at(cut)].first_parent_loaded);
    }

    TEST_CASE("resolve, resolve_commit, config and discover") {
        TempDir dir;
        GitRepo repo(dir);
        repo.commit("a");
        repo.tag("v1.0.0", "HEAD", true);
        repo.git("config pulse.system shop");
        repo.git("config --add pulse.branches main");
        repo.git("config --add pulse.branches 'release/*'");
        std::filesystem::create_directories(repo.path() / "sub" / "dir");
        auto found = git::Repository::discover(repo.path() / "sub" / "dir");
        REQUIRE(found.has_value());
        CHECK(found->config_string("pulse.system") == "shop");
        CHECK_FALSE(found->config_string("pulse.nothing").has_value());
        CHECK(found->config_strings("pulse.branches") ==
              std::vector<std::string>{"main", "release/*"});
        CHECK(found->resolve_commit("v1.0.0") == repo.head());
        CHECK_FALSE(found->resolve_commit("nope").has_value());
        auto ref = found->resolve("refs/tags/v1.0.0", repo.rev_parse("v1.0.0"));
        REQUIRE(ref.has_value());
        CHECK(ref->peeled == repo.head());
        CHECK(ref->tagger_time.has_value());
        REQUIRE(found->work_tree().has_value());
        CHECK(std::filesystem::equivalent(*found->work_tree(), repo.path()));
    }

    TEST_CASE("touches: commits changing a path, merges only when they differ from every parent") {
        TempDir dir;
        GitRepo repo(dir);
        std::filesystem::create_directories(repo.path() / "svc");
        std::ofstream(repo.path() / "svc" / "a.txt") << "a\n";
        repo.git("add svc/a.txt");
        const auto root = repo.commit("add svc");
        std::ofstream(repo.path() / "other.txt") << "o\n";
        repo.git("add other.txt");
        const auto other = repo.commit("other");
        repo.checkout("topic", "HEAD");
        std::ofstream(repo.path() / "svc" / "a.txt") << "b\n";
        repo.git("add svc/a.txt");
        const auto change = repo.commit("svc change");
        repo.checkout("main");
        repo.commit("unrelated");
        const auto merge = repo.merge("topic");
        auto opened = git_fixture::open(repo);
        CHECK(*opened.touches(root, {"svc"}));
        CHECK_FALSE(*opened.touches(other, {"svc"}));
        CHECK(*opened.touches(change, {"svc"}));
        CHECK_FALSE(*opened.touches(merge, {"svc"}));
        CHECK(*opened.touches(other, {"other.txt", "svc"}));
    }
}
