#include "daemon/watch_plan.hpp"
#include "git_fixture.hpp"

#include <doctest/doctest.h>
#include <fstream>
#include <map>

namespace {

namespace fs = std::filesystem;

// A temporary folder with a config file, and a fake environment pointing at it.
struct Setup {
    git_fixture::TempDir dir;
    fs::path folder = dir.path();
    std::map<std::string, std::string> env;

    Setup() {
        env["PULSE_CONFIG"] = (folder / "config.yaml").string();
        env["PULSE_OUTBOX"] = (folder / "outbox.db").string();
        write_config("");
    }

    void write_config(const std::string& text) const {
        std::ofstream(folder / "config.yaml") << text;
    }

    config::Getenv getenv() const {
        return [this](const char* name) -> const char* {
            const auto it = env.find(name);
            return it == env.end() ? nullptr : it->second.c_str();
        };
    }
};

} // namespace

TEST_SUITE("pulse_daemon::make_plan") {
    TEST_CASE("the config file's watch section and repositories") {
        Setup setup;
        setup.write_config("watch:\n  interval: 30\n  fetch: true\n  fetch_timeout: 20\n"
                           "repositories:\n  - /srv/git/*.git\n  - path: /srv/x.git\n"
                           "    system: shop\n");
        const auto plan = pulse_daemon::make_plan({}, setup.getenv());
        REQUIRE(plan.has_value());
        CHECK(plan->interval == std::chrono::seconds(30));
        CHECK(plan->fetch);
        CHECK(plan->fetch_timeout == std::chrono::seconds(20));
        REQUIRE(plan->repositories.size() == 2);
        CHECK(plan->repositories[1].system == "shop");
        CHECK(pulse_daemon::describe_plan(*plan).find("every 30 s") != std::string::npos);
    }

    TEST_CASE("flags replace the repositories and the interval, fractions allowed") {
        Setup setup;
        setup.write_config("repositories: [/srv/a.git]\n");
        pulse_daemon::WatchOptions options;
        options.repos = {"/tmp/*.git"};
        options.interval = 0.25;
        const auto plan = pulse_daemon::make_plan(options, setup.getenv());
        REQUIRE(plan.has_value());
        CHECK(plan->interval == std::chrono::milliseconds(250));
        REQUIRE(plan->repositories.size() == 1);
        CHECK(plan->repositories[0].path == "/tmp/*.git");
        CHECK(pulse_daemon::describe_plan(*plan).find("every 0.25 s") != std::string::npos);
        options.interval = 0;
        CHECK_FALSE(pulse_daemon::make_plan(options, setup.getenv()).has_value());
    }

    TEST_CASE("a broken config file is an error naming the file") {
        Setup setup;
        setup.write_config("watch: [\n");
        const auto plan = pulse_daemon::make_plan({}, setup.getenv());
        REQUIRE_FALSE(plan.has_value());
        CHECK(plan.error().message.find("config.yaml") != std::string::npos);
    }

    TEST_CASE("systemd's credential is the API key unless one is given") {
        Setup setup;
        std::ofstream(setup.folder / "api-key") << "secret-from-credential\n";
        setup.env["CREDENTIALS_DIRECTORY"] = setup.folder.string();
        const auto plan = pulse_daemon::make_plan({}, setup.getenv());
        REQUIRE(plan.has_value());
        CHECK(plan->settings.api_key == "secret-from-credential");
        CHECK(pulse_daemon::describe_plan(*plan).find("secret") == std::string::npos);
        pulse_daemon::WatchOptions options;
        options.overrides.api_key = "from-flag";
        CHECK(pulse_daemon::make_plan(options, setup.getenv())->settings.api_key == "from-flag");
    }
}
