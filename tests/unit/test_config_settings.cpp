#include "config/settings.hpp"
#include "temp_dir.hpp"

#include <doctest/doctest.h>
#include <fstream>
#include <map>
#include <unistd.h>

namespace {

// Write a file into the test's folder and return its path.
std::string write_file(const test_support::TempDir& dir, const std::string& name,
                       const std::string& text) {
    std::ofstream(dir.path() / name) << text;
    return (dir.path() / name).string();
}

config::Getenv env_of(const std::map<std::string, std::string>& vars) {
    return [vars](const char* name) -> const char* {
        const auto it = vars.find(name);
        return it == vars.end() ? nullptr : it->second.c_str();
    };
}

} // namespace

TEST_SUITE("config::Settings") {
    TEST_CASE("flags beat the environment, which beats the config file") {
        test_support::TempDir s;
        const auto file = write_file(s, "c.yaml",
                                     "api_key: from-config\nbase_url: http://config\n"
                                     "outbox: /config/o.db\nsystem: cfg\n");
        config::Overrides flags;
        auto settings = config::resolve_settings(flags, env_of({{"PULSE_CONFIG", file}})).value();
        CHECK(settings.api_key == "from-config");
        CHECK(settings.base_url == "http://config");
        CHECK(settings.outbox == "/config/o.db");
        CHECK(settings.system == "cfg");
        CHECK(settings.config_path == file);

        const auto env = env_of({{"PULSE_CONFIG", file},
                                 {"PULSE_API_KEY", "from-env"},
                                 {"PULSE_BASE_URL", "http://env"},
                                 {"PULSE_OUTBOX", "/env/o.db"}});
        settings = config::resolve_settings(flags, env).value();
        CHECK(settings.api_key == "from-env");
        CHECK(settings.base_url == "http://env");
        CHECK(settings.outbox == "/env/o.db");

        flags.api_key = "from-flag";
        flags.base_url = "http://flag";
        flags.outbox = "/flag/o.db";
        settings = config::resolve_settings(flags, env).value();
        CHECK(settings.api_key == "from-flag");
        CHECK(settings.base_url == "http://flag");
        CHECK(settings.outbox == "/flag/o.db");
    }

    TEST_CASE("a key file is read and trimmed; a key beats a key file at the same level") {
        test_support::TempDir s;
        const auto key_file = write_file(s, "key", "  file-key\n");
        config::Overrides flags;
        flags.api_key_file = key_file;
        CHECK(config::resolve_settings(flags, env_of({})).value().api_key == "file-key");
        const auto file = write_file(s, "c.yaml", "api_key_file: " + key_file + "\n");
        CHECK(config::resolve_settings({}, env_of({{"PULSE_CONFIG", file}})).value().api_key ==
              "file-key");
        flags.api_key = "direct";
        CHECK(config::resolve_settings(flags, env_of({})).value().api_key == "direct");
    }

    TEST_CASE("an unreadable key file is an error that never shows a key") {
        config::Overrides flags;
        flags.api_key_file = "/nonexistent/key";
        const auto result = config::resolve_settings(flags, env_of({}));
        REQUIRE_FALSE(result.has_value());
        CHECK(result.error().message.starts_with("reading API key file '/nonexistent/key'"));
    }

    TEST_CASE("defaults when nothing is set") {
        config::Overrides flags;
        flags.config_path = "/dev/null";
        const auto settings =
            config::resolve_settings(flags, env_of({{"XDG_STATE_HOME", "/state"}})).value();
        CHECK_FALSE(settings.api_key.has_value());
        CHECK(settings.base_url == "https://ingestion.pulse.codacy.com");
        if (geteuid() == 0) {
            CHECK(settings.outbox == "/var/lib/pulse-agent/outbox.db");
        } else {
            CHECK(settings.outbox == "/state/pulse-agent/outbox.db");
        }
    }

    TEST_CASE("a named config file that is missing is an error") {
        config::Overrides flags;
        flags.config_path = "/nonexistent/c.yaml";
        CHECK_FALSE(config::resolve_settings(flags, env_of({})).has_value());
    }
}
