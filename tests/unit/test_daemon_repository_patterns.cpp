#include "git_fixture.hpp"
#include "util/repository_glob.hpp"

#include <doctest/doctest.h>

namespace {

namespace fs = std::filesystem;

// Make a real bare repository below the test folder.
fs::path bare(const git_fixture::TempDir& dir, const std::string& relative) {
    fs::create_directories((dir.path() / relative).parent_path());
    return git_fixture::GitRepo(dir, relative, true).path();
}

std::vector<fs::path> expand(const git_fixture::TempDir& dir, const std::string& pattern) {
    return util::expand_pattern((dir.path() / pattern).string()).repositories;
}

} // namespace

TEST_SUITE("util::expand_pattern") {
    TEST_CASE("a plain path is the repository itself, or a problem") {
        git_fixture::TempDir dir;
        const auto repo = bare(dir, "a.git");
        CHECK(expand(dir, "a.git") == std::vector<fs::path>{repo});
        CHECK(expand(dir, "a.git/") == std::vector<fs::path>{repo});
        CHECK(expand(dir, "./x/../a.git") == std::vector<fs::path>{repo});
        const auto missing = util::expand_pattern((dir.path() / "missing.git").string());
        CHECK(missing.repositories.empty());
        REQUIRE(missing.problems.size() == 1);
        CHECK(missing.problems[0].find("no such folder") != std::string::npos);
    }

    TEST_CASE("a star matches within one folder and skips what is not a repository") {
        git_fixture::TempDir dir;
        const auto a = bare(dir, "a.git");
        const auto b = bare(dir, "b.git");
        bare(dir, "nested/c.git");
        bare(dir, ".hidden.git");
        fs::create_directories(dir.path() / "plain.git");
        CHECK(expand(dir, "*.git") == std::vector<fs::path>{a, b});
        CHECK(expand(dir, "?.git") == std::vector<fs::path>{a, b});
        CHECK(expand(dir, "[a].git") == std::vector<fs::path>{a});
    }

    TEST_CASE("a double star matches any depth but never goes into a repository or a link") {
        git_fixture::TempDir dir;
        const auto a = bare(dir, "a.git");
        const auto c = bare(dir, "team/x/c.git");
        bare(dir, "a.git/modules/inner.git");
        fs::create_directory_symlink(dir.path() / "team", dir.path() / "link");
        CHECK(expand(dir, "**/*.git") == std::vector<fs::path>{a, c});
        CHECK(expand(dir, "team/**/*.git") == std::vector<fs::path>{c});
    }

    TEST_CASE("a glob that matches nothing is no problem") {
        git_fixture::TempDir dir;
        const auto none = util::expand_pattern((dir.path() / "*.git").string());
        CHECK(none.repositories.empty());
        CHECK(none.problems.empty());
        CHECK(expand(dir, "missing/*.git").empty());
    }

    TEST_CASE("a work tree counts as a repository, its parent does not") {
        git_fixture::TempDir dir;
        git_fixture::GitRepo work(dir, "work");
        CHECK(util::is_repository(work.path()));
        CHECK_FALSE(util::is_repository(dir.path()));
    }
}
