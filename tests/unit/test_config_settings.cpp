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

constexpr auto k_read = config::KeyUse::read;

} // namespace

TEST_SUITE("config::Settings") {
    TEST_CASE("flags beat the environment, which beats the config file") {
        test_support::TempDir s;
        const auto file = write_file(s, "c.yaml",
                                     "api_key: from-config\nbase_url: http://config\n"
                                     "outbox: /config/o.db\nsystem: cfg\n");
        config::Overrides flags;
        auto settings =
            config::resolve_settings(flags, env_of({{"PULSE_CONFIG", file}}), k_read).value();
        CHECK(settings.api_key == "from-config");
        CHECK(settings.base_url == "http://config");
        CHECK(settings.outbox == "/config/o.db");
        CHECK(settings.system == "cfg");
        CHECK(settings.config_path == file);

        const auto env = env_of({{"PULSE_CONFIG", file},
                                 {"PULSE_API_KEY", "from-env"},
                                 {"PULSE_BASE_URL", "http://env"},
                                 {"PULSE_OUTBOX", "/env/o.db"}});
        settings = config::resolve_settings(flags, env, k_read).value();
        CHECK(settings.api_key == "from-env");
        CHECK(settings.base_url == "http://env");
        CHECK(settings.outbox == "/env/o.db");

        flags.api_key = "from-flag";
        flags.base_url = "http://flag";
        flags.outbox = "/flag/o.db";
        settings = config::resolve_settings(flags, env, k_read).value();
        CHECK(settings.api_key == "from-flag");
        CHECK(settings.base_url == "http://flag");
        CHECK(settings.outbox == "/flag/o.db");
    }

    TEST_CASE("a key file is read and trimmed; a key beats a key file at the same level") {
        test_support::TempDir s;
        const auto key_file = write_file(s, "key", "  file-key\n");
        config::Overrides flags;
        flags.api_key_file = key_file;
        CHECK(config::resolve_settings(flags, env_of({}), k_read).value().api_key == "file-key");
        const auto file = write_file(s, "c.yaml", "api_key_file: " + key_file + "\n");
        CHECK(config::resolve_settings({}, env_of({{"PULSE_CONFIG", file}}), k_read)
                  .value()
                  .api_key == "file-key");
        flags.api_key = "direct";
        CHECK(config::resolve_settings(flags, env_of({}), k_read).value().api_key == "direct");
    }

    TEST_CASE("an unreadable key file is an error that never shows a key") {
        config::Overrides flags;
        flags.api_key_file = "/nonexistent/key";
        const auto result = config::resolve_settings(flags, env_of({}), k_read);
        REQUIRE_FALSE(result.has_value());
        CHECK(result.error().message.starts_with("reading API key file '/nonexistent/key'"));
    }

    TEST_CASE("defaults when nothing is set") {
        config::Overrides flags;
        flags.config_path = "/dev/null";
        const auto settings =
            config::resolve_settings(flags, env_of({{"XDG_STATE_HOME", "/state"}}), k_read).value();
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
        CHECK_FALSE(config::resolve_settings(flags, env_of({}), k_read).has_value());
    }

    TEST_CASE("a command that does not send never reads the key file") {
        test_support::TempDir s;
        const auto file = write_file(s, "c.yaml", "api_key_file: " + s.path().string() + "\n");
        const auto env = env_of({{"PULSE_CONFIG", file}});
        // The key file is a folder: reading it fails, so skipping it shows.
        CHECK(config::resolve_settings({}, env, k_read).error().message ==
              "reading API key file '" + s.path().string() + "': it is a directory, not a file");
        const auto skipped = config::resolve_settings({}, env, config::KeyUse::skip).value();
        CHECK_FALSE(skipped.api_key.has_value());
        CHECK(skipped.key_source.configured());
        CHECK(skipped.key_source.file == s.path());
        CHECK_FALSE(skipped.key_source.read().has_value());
    }

    TEST_CASE("the key source follows the precedence without reading") {
        config::Overrides flags;
        flags.config_path = "/dev/null";
        const auto none = config::resolve_settings(flags, env_of({}), config::KeyUse::skip);
        CHECK_FALSE(none->key_source.configured());
        CHECK(none->key_source.read().value() == std::nullopt);
        const auto env = env_of({{"PULSE_API_KEY_FILE", "/env/key"}});
        CHECK(config::resolve_settings(flags, env, config::KeyUse::skip)->key_source.file ==
              "/env/key");
        flags.api_key = "direct";
        const auto direct = config::resolve_settings(flags, env, config::KeyUse::skip).value();
        CHECK(direct.key_source.key == "direct");
        CHECK_FALSE(direct.key_source.file.has_value());
        CHECK(direct.key_source.read().value() == "direct");
    }
}

TEST_SUITE("config::TolerantSettings") {
    TEST_CASE("a problem in a key the command does not use is ignored") {
        test_support::TempDir s;
        const auto file = write_file(s, "c.yaml", "outbox: /o/outbox.db\nwatch:\n  intervall: 5\n");
        const auto env = env_of({{"PULSE_CONFIG", file}});
        CHECK_FALSE(config::resolve_settings({}, env, k_read).has_value());
        const auto loaded = config::resolve_tolerant_settings({}, env, config::KeyUse::skip,
                                                              {config::k_hook_keys, true});
        REQUIRE(loaded.has_value());
        CHECK(loaded->warnings.empty());
        CHECK(loaded->settings.outbox == "/o/outbox.db");
    }

    TEST_CASE("a problem in a used key takes its fallback and becomes a warning") {
        test_support::TempDir s;
        const auto file =
            write_file(s, "c.yaml", "system: shop\nhook:\n  quiet: maybe\n  deliver: servce\n");
        const auto env = env_of({{"PULSE_CONFIG", file}});
        const auto loaded = config::resolve_tolerant_settings({}, env, config::KeyUse::skip,
                                                              {config::k_hook_keys, true});
        REQUIRE(loaded.has_value());
        CHECK(loaded->warnings ==
              std::vector<std::string>{
                  file + ":3:10: 'quiet' must be true or false, not 'maybe'; using the default",
                  file + ":4:12: 'deliver' must be background, none or service; using none"});
        CHECK(loaded->settings.system == "shop");
        CHECK_FALSE(loaded->settings.file.hook.quiet);
        CHECK(loaded->settings.file.hook.deliver == "none");
        // Without fallbacks the same problem refuses the file.
        const auto strict = config::resolve_tolerant_settings({}, env, config::KeyUse::skip,
                                                              {config::k_hook_keys, false});
        REQUIRE_FALSE(strict.has_value());
        CHECK(strict.error().message == file + ":3:10: 'quiet' must be true or false, not 'maybe'");
    }

    TEST_CASE("an unparseable file gives every default and one warning") {
        test_support::TempDir s;
        const auto file = write_file(s, "c.yaml", "outbox: /o.db\nsystem: [shop\n");
        const auto loaded = config::resolve_tolerant_settings(
            {}, env_of({{"PULSE_CONFIG", file}, {"XDG_STATE_HOME", "/state"}}),
            config::KeyUse::skip, {config::k_hook_keys, true});
        REQUIRE(loaded.has_value());
        REQUIRE(loaded->warnings.size() == 1);
        CHECK(loaded->warnings[0].starts_with(file + ":"));
        CHECK(loaded->warnings[0].ends_with("; using the defaults"));
        CHECK_FALSE(loaded->settings.file.system.has_value());
        CHECK(loaded->settings.outbox != "/o.db");
    }
}
