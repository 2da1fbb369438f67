#include "temp_dir.hpp"
#include "util/atomic_file.hpp"

#include <doctest/doctest.h>
#include <fstream>
#include <sstream>
#include <sys/stat.h>

namespace {

std::string contents(const std::filesystem::path& path) {
    std::ifstream in(path);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

} // namespace

TEST_SUITE("util::replace_file") {
    TEST_CASE("the file is replaced whole, with its mode, and no temporary is left") {
        test_support::TempDir dir;
        const auto path = dir.path() / "pulse-agent.prom";
        REQUIRE(util::replace_file(path, "first\n"));
        REQUIRE(util::replace_file(path, "second\n", 0640));
        CHECK(contents(path) == "second\n");
        struct stat st;
        REQUIRE(::stat(path.c_str(), &st) == 0);
        CHECK((st.st_mode & 0777) == 0640);
        std::size_t files = 0;
        for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir.path())) {
            ++files;
        }
        CHECK(files == 1);
    }

    TEST_CASE("a folder that does not exist is an error naming the path") {
        test_support::TempDir dir;
        const auto result = util::replace_file(dir.path() / "missing" / "x.prom", "x");
        REQUIRE_FALSE(result);
        CHECK(result.error().find("missing") != std::string::npos);
    }
}
