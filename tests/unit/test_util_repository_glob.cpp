#include "git_fixture.hpp"
#include "util/repository_glob.hpp"

#include <algorithm>
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

TEST_SUITE("util::matches") {
    TEST_CASE("a star, a question mark and a class match within one folder name") {
        CHECK(util::matches("/srv/git/*.git", "/srv/git/shop.git"));
        CHECK_FALSE(util::matches("/srv/git/*.git", "/srv/git/team/shop.git"));
        CHECK_FALSE(util::matches("/srv/git/*.git", "/srv/git/shop"));
        CHECK(util::matches("/srv/git/?.git", "/srv/git/a.git"));
        CHECK_FALSE(util::matches("/srv/git/?.git", "/srv/git/ab.git"));
        CHECK(util::matches("/srv/git/[ab]*.git", "/srv/git/billing.git"));
        CHECK_FALSE(util::matches("/srv/git/[ab]*.git", "/srv/git/shop.git"));
        CHECK(util::matches("/srv/git/[!ab]*.git", "/srv/git/shop.git"));
        CHECK(util::matches("/srv/*/*.git", "/srv/team/shop.git"));
    }

    TEST_CASE("a wildcard never matches a leading dot; a dot written out does") {
        CHECK_FALSE(util::matches("/srv/git/*.git", "/srv/git/.hidden.git"));
        CHECK_FALSE(util::matches("/srv/git/?hidden.git", "/srv/git/.hidden.git"));
        CHECK_FALSE(util::matches("/srv/git/[.]hidden.git", "/srv/git/.hidden.git"));
        CHECK(util::matches("/srv/git/.*.git", "/srv/git/.hidden.git"));
        CHECK(util::matches("/srv/.team/*.git", "/srv/.team/shop.git"));
    }

    TEST_CASE("a double star matches any number of folders, none hidden") {
        CHECK(util::matches("/srv/**/*.git", "/srv/shop.git"));
        CHECK(util::matches("/srv/**/*.git", "/srv/team/shop.git"));
        CHECK(util::matches("/srv/**/*.git", "/srv/a/b/c/shop.git"));
        CHECK(util::matches("/srv/**", "/srv/a/b"));
        CHECK(util::matches("/srv/**", "/srv"));
        CHECK(util::matches("/srv/**/team/*.git", "/srv/x/team/shop.git"));
        CHECK_FALSE(util::matches("/srv/**/team/*.git", "/srv/x/other/shop.git"));
        CHECK_FALSE(util::matches("/srv/**/*.git", "/srv/.cache/shop.git"));
        CHECK_FALSE(util::matches("/srv/**/*.git", "/srv/a/.b/shop.git"));
        CHECK_FALSE(util::matches("/srv/**/*.git", "/other/shop.git"));
        // Within a name, two stars are one: they never cross a slash.
        CHECK_FALSE(util::matches("/srv/a**.git", "/srv/a/b.git"));
    }

    TEST_CASE("both sides are made absolute and normal; a trailing slash is no matter") {
        CHECK(util::matches("/srv/git/*.git/", "/srv/git/shop.git"));
        CHECK(util::matches("/srv/git/*.git", "/srv/git/shop.git/"));
        CHECK(util::matches("/srv/x/../git/*.git", "/srv/git/./shop.git"));
        const auto here = fs::current_path();
        CHECK(util::matches("*.git", here / "shop.git"));
        CHECK(util::matches(here.string() + "/*.git", "shop.git"));
        CHECK_FALSE(util::matches("*.git", "/elsewhere/none/shop.git"));
    }

    TEST_CASE("what matches is what expand_pattern finds") {
        git_fixture::TempDir dir;
        const std::vector<fs::path> made = {bare(dir, "a.git"), bare(dir, "team/x/c.git"),
                                            bare(dir, ".hidden/d.git")};
        for (const std::string pattern : {"*.git", "**/*.git", "team/*/*.git", "[a-c].git"}) {
            const auto found = expand(dir, pattern);
            for (const auto& repo : made) {
                const bool expanded = std::find(found.begin(), found.end(), repo) != found.end();
                CHECK_MESSAGE(util::matches((dir.path() / pattern).string(), repo) == expanded,
                              pattern << " and " << repo);
            }
        }
    }
}
