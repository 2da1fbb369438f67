#include "spool/spool.hpp"
#include "temp_dir.hpp"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <fstream>
#include <sys/stat.h>
#include <unistd.h>

namespace {

std::string slurp(const std::filesystem::path& path) {
    std::ifstream in(path);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

void touch_old(const std::filesystem::path& path) {
    std::ofstream(path) << "half a record";
    const timespec times[2] = {{1000, 0}, {1000, 0}};
    ::utimensat(AT_FDCWD, path.c_str(), times, 0);
}

} // namespace

TEST_SUITE("spool::Spool") {
    TEST_CASE("records are listed in the order they landed and read back") {
        test_support::TempDir dir;
        const spool::Spool folder(dir.path());
        const auto first = folder.drop("one").value();
        const auto second = folder.drop("two").value();
        const auto entries = folder.pending().value();
        REQUIRE(entries.size() == 2);
        CHECK(entries[0].name == first);
        CHECK(entries[1].name == second);
        CHECK(entries[0].writer == ::geteuid());
        CHECK(entries[0].landed > 0);
        CHECK(folder.read(entries[1], 100).value() == "two");
        CHECK(slurp(dir.path() / first) == "one");
    }

    TEST_CASE("a record given in pieces is written whole") {
        test_support::TempDir dir;
        const spool::Spool folder(dir.path());
        const auto name = folder
                              .drop([](const spool::Put& put) {
                                  put("one ");
                                  put("");
                                  put("two");
                              })
                              .value();
        CHECK(slurp(dir.path() / name) == "one two");
    }

    TEST_CASE("a record is readable by the spool's group whatever the writer's umask") {
        test_support::TempDir dir;
        const auto old_mask = ::umask(077);
        const auto name = spool::Spool(dir.path()).drop("x").value();
        ::umask(old_mask);
        struct stat info {};
        REQUIRE(::stat((dir.path() / name).c_str(), &info) == 0);
        CHECK((info.st_mode & 0777) == 0640);
    }

    TEST_CASE("removed and set-aside records are no longer pending") {
        test_support::TempDir dir;
        const spool::Spool folder(dir.path());
        folder.drop("a").value();
        folder.drop("b").value();
        auto entries = folder.pending().value();
        REQUIRE(entries.size() == 2);
        REQUIRE(folder.remove(entries[0]).has_value());
        REQUIRE(folder.set_aside(entries[1]).has_value());
        CHECK(folder.pending().value().empty());
        CHECK(std::filesystem::exists(dir.path() / (entries[1].name + ".bad")));
        CHECK(folder.remove(entries[0]).has_value());
    }

    TEST_CASE("temporaries, symlinks and other files are not records") {
        test_support::TempDir dir;
        const spool::Spool folder(dir.path());
        std::ofstream(dir.path() / ".tmp-1.push") << "in progress";
        std::ofstream(dir.path() / "notes.txt") << "x";
        std::filesystem::create_symlink("/etc/passwd", dir.path() / "1-1-1.push");
        CHECK(folder.pending().value().empty());
        const spool::Entry planted{.name = "1-1-1.push", .writer = 0, .landed = 0};
        const auto read = folder.read(planted, 1000);
        REQUIRE_FALSE(read.has_value());
        CHECK(read.error().message.find("1-1-1.push") != std::string::npos);
    }

    TEST_CASE("a record larger than the limit is refused, not read") {
        test_support::TempDir dir;
        const spool::Spool folder(dir.path());
        folder.drop(std::string(100, 'x')).value();
        const auto entries = folder.pending().value();
        CHECK_FALSE(folder.read(entries.at(0), 99).has_value());
    }

    TEST_CASE("sweep removes old temporaries only") {
        test_support::TempDir dir;
        const spool::Spool folder(dir.path());
        touch_old(dir.path() / ".tmp-dead.push");
        std::ofstream(dir.path() / ".tmp-live.push") << "being written";
        folder.drop("kept").value();
        folder.sweep(std::chrono::hours(1));
        CHECK_FALSE(std::filesystem::exists(dir.path() / ".tmp-dead.push"));
        CHECK(std::filesystem::exists(dir.path() / ".tmp-live.push"));
        CHECK(folder.pending().value().size() == 1);
    }

    TEST_CASE("a missing folder is an error naming it, and drop creates nothing") {
        test_support::TempDir dir;
        const spool::Spool folder(dir.path() / "missing");
        const auto dropped = folder.drop("x");
        REQUIRE_FALSE(dropped.has_value());
        CHECK(dropped.error().message == "spool folder '" + (dir.path() / "missing").string() +
                                             "': No such file or directory");
        CHECK_FALSE(std::filesystem::exists(dir.path() / "missing"));
    }

    TEST_CASE("create_private_folder makes the folder and its parents 0700") {
        test_support::TempDir dir;
        const auto old_mask = ::umask(0);
        const auto made = spool::create_private_folder(dir.path() / "a" / "spool");
        ::umask(old_mask);
        REQUIRE(made.has_value());
        struct stat info {};
        REQUIRE(::stat((dir.path() / "a" / "spool").c_str(), &info) == 0);
        CHECK((info.st_mode & 0777) == 0700);
        REQUIRE(::stat((dir.path() / "a").c_str(), &info) == 0);
        CHECK((info.st_mode & 0777) == 0700);
    }
}
