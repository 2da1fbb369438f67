#include "hook/installer.hpp"
#include "temp_dir.hpp"

#include <doctest/doctest.h>
#include <fstream>
#include <sstream>
#include <sys/stat.h>

namespace {

namespace fs = std::filesystem;

void write(const fs::path& path, const std::string& text, mode_t mode) {
    std::ofstream(path) << text;
    ::chmod(path.c_str(), mode);
}

std::string read(const fs::path& path) {
    std::ifstream in(path);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

mode_t mode_of(const fs::path& path) {
    struct stat st {};
    ::lstat(path.c_str(), &st);
    return st.st_mode & 07777;
}

hook::HookSite plain_site(const fs::path& hooks) {
    return {hook::HookKind::post_receive, hooks / "post-receive", false, {}};
}

} // namespace

TEST_SUITE("hook::installer") {
    TEST_CASE("a new hook is written 0755, then left alone") {
        test_support::TempDir s;
        const auto site = plain_site(s.path());
        const auto plan = hook::plan_install(site, "/usr/bin/pulse-agent").value();
        REQUIRE(plan.steps.size() == 1);
        CHECK(plan.steps[0].action == hook::Step::Action::write_shim);
        CHECK_FALSE(fs::exists(site.file));
        REQUIRE(hook::apply(plan).has_value());
        CHECK(mode_of(site.file) == 0755);
        const auto again = hook::plan_install(site, "/usr/bin/pulse-agent").value();
        CHECK(again.steps.empty());
        CHECK(again.note.find("already installed") != std::string::npos);
        CHECK(hook::plan_install(site, "/opt/pulse-agent").value().steps.size() == 1);
    }

    TEST_CASE("an existing hook is kept, chained, and put back byte for byte") {
        test_support::TempDir s;
        const auto site = plain_site(s.path());
        write(site.file, "#!/bin/sh\necho mine\n", 0750);
        const auto plan = hook::plan_install(site, "/usr/bin/pulse-agent").value();
        REQUIRE(plan.steps.size() == 2);
        CHECK(plan.steps[0].action == hook::Step::Action::keep_existing);
        REQUIRE(hook::apply(plan).has_value());
        CHECK(read(s.path() / "post-receive.pulse-chained") == "#!/bin/sh\necho mine\n");
        CHECK(hook::read_shim(read(site.file))->chained);
        const auto undo = hook::plan_uninstall(site.file).value();
        REQUIRE(undo.steps.size() == 1);
        CHECK(undo.steps[0].action == hook::Step::Action::restore_kept);
        REQUIRE(hook::apply(undo).has_value());
        CHECK(read(site.file) == "#!/bin/sh\necho mine\n");
        CHECK(mode_of(site.file) == 0750);
        CHECK_FALSE(fs::exists(s.path() / "post-receive.pulse-chained"));
    }

    TEST_CASE("folders it created go with it, and only those") {
        test_support::TempDir s;
        const auto file = s.path() / "custom_hooks/post-receive.d/pulse-agent";
        const hook::HookSite site{
            hook::HookKind::post_receive,
            file,
            true,
            {s.path() / "custom_hooks", s.path() / "custom_hooks/post-receive.d"}};
        REQUIRE(hook::apply(hook::plan_install(site, "/usr/bin/pulse-agent").value()));
        CHECK(hook::read_shim(read(file))->created_folders == 2);
        REQUIRE(hook::apply(hook::plan_uninstall(file).value()));
        CHECK(fs::is_empty(s.path()));
    }

    TEST_CASE("what is not ours is never touched") {
        test_support::TempDir s;
        write(s.path() / "post-receive", "#!/bin/sh\n", 0755);
        write(s.path() / "post-receive.pulse-chained", "#!/bin/sh\n", 0755);
        CHECK_FALSE(hook::plan_install(plain_site(s.path()), "/usr/bin/pulse-agent").has_value());
        CHECK(hook::plan_uninstall(s.path() / "post-receive").value().steps.empty());
        const hook::HookSite in_d{hook::HookKind::post_receive, s.path() / "pulse-agent", true, {}};
        write(in_d.file, "someone else's\n", 0755);
        CHECK_FALSE(hook::plan_install(in_d, "/usr/bin/pulse-agent").has_value());
    }

    TEST_CASE("steps describe themselves, dry or done") {
        const hook::Step step{hook::Step::Action::keep_existing,
                              "/h/post-receive",
                              "/h/post-receive.pulse-chained",
                              {}};
        CHECK(hook::describe(step, true)
                  .starts_with("would keep the existing hook '/h/post-receive'"));
        CHECK(hook::describe(step, false).starts_with("kept the existing hook"));
    }
}
