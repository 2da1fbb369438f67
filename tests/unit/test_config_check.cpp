#include "config/check.hpp"
#include "temp_dir.hpp"

#include <doctest/doctest.h>
#include <fstream>
#include <unistd.h>

namespace {

namespace fs = std::filesystem;

// Write a config file into the folder; return its path.
fs::path write_config(const fs::path& folder, const std::string& text) {
    const auto path = folder / "c.yaml";
    std::ofstream(path) << text;
    return path;
}

// Return each problem as "warning: message" or "message".
std::vector<std::string> lines_of(const std::vector<config::Problem>& problems) {
    std::vector<std::string> lines;
    for (const auto& problem : problems) {
        lines.push_back((problem.warning ? "warning: " : "") + problem.message);
    }
    return lines;
}

} // namespace

TEST_SUITE("config::check") {
    TEST_CASE("key problems and what the file names outside itself, in file order") {
        test_support::TempDir dir;
        const auto root = dir.path().string();
        fs::create_directories(dir.path() / "repos");
        const auto path = write_config(dir.path(), "api_key_file: " + root +
                                                       "/missing-key\n"
                                                       "watch: {intervall: 5}\n"
                                                       "trusted_owners: [nobody, no-such-user-x]\n"
                                                       "repositories:\n  - " +
                                                       root + "/repos/*.git\n");
        const auto problems = config::check_config_file(path, util::current_account()).value();
        const auto f = path.string();
        const auto me = util::current_account().name;
        CHECK(lines_of(problems) ==
              std::vector<std::string>{
                  f + ":1:15: user '" + me + "' cannot read the API key file '" + root +
                      "/missing-key': No such file or directory",
                  f + ":2:9: unknown key 'intervall' in watch",
                  "warning: " + f + ":3:26: trusted owner: no user 'no-such-user-x' on this system",
                  "warning: " + f + ":5:5: '" + root + "/repos/*.git' matches no repository"});
    }

    TEST_CASE("a valid file has no problem") {
        test_support::TempDir dir;
        std::ofstream(dir.path() / "key") << "k\n";
        fs::create_directories(dir.path() / "a.git" / "objects");
        fs::create_directories(dir.path() / "a.git" / "refs");
        std::ofstream(dir.path() / "a.git" / "HEAD") << "ref: refs/heads/main\n";
        const auto path =
            write_config(dir.path(), "api_key_file: " + (dir.path() / "key").string() +
                                         "\ntrusted_owners: nobody\nrepositories: [" +
                                         (dir.path() / "*.git").string() + "]\n");
        CHECK(config::check_config_file(path, util::current_account()).value().empty());
    }

    TEST_CASE("the service's user must read the file and its key file") {
        test_support::TempDir dir;
        const auto nobody = util::find_account("nobody").value();
        std::ofstream(dir.path() / "key") << "k\n";
        const auto path =
            write_config(dir.path(), "api_key_file: " + (dir.path() / "key").string() + "\n");
        const auto problems = lines_of(config::check_config_file(path, nobody).value());
        if (::geteuid() != 0) {
            REQUIRE(problems.size() == 1);
            CHECK(problems[0].starts_with("warning: " + path.string() +
                                          ":1:15: cannot tell whether user 'nobody'"));
            return;
        }
        // The test folder is private to root: nobody reads neither file.
        CHECK(problems ==
              std::vector<std::string>{path.string() + ": user 'nobody' cannot read this file: "
                                                       "Permission denied",
                                       path.string() +
                                           ":1:15: user 'nobody' cannot read the API key "
                                           "file '" +
                                           (dir.path() / "key").string() + "': Permission denied"});
    }

    TEST_CASE("a file that cannot be read is the error") {
        const auto result =
            config::check_config_file("/nonexistent/c.yaml", util::current_account());
        REQUIRE_FALSE(result.has_value());
        CHECK(result.error().message ==
              "reading config '/nonexistent/c.yaml': No such file or directory");
    }
}
