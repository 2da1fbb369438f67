#include "config/config.hpp"

#include <doctest/doctest.h>
#include <regex>

namespace {

std::string error_of(const std::string& text) {
    const auto result = config::parse_config(text, "c.yaml");
    REQUIRE_FALSE(result.has_value());
    return result.error().message;
}

} // namespace

TEST_SUITE("config::Config") {
    TEST_CASE("an empty file gives the defaults") {
        const auto config = config::parse_config("", "c.yaml").value();
        CHECK_FALSE(config.api_key.has_value());
        CHECK(config.timeouts.connect == 10);
        CHECK(config.timeouts.total == 30);
        CHECK(config.timeouts.low_speed == 15);
        CHECK(config.retry.initial_backoff == 5);
        CHECK(config.retry.max_backoff == 3600);
        CHECK(config.retry.max_retry_after == 3600);
        CHECK(config.retry.max_age == 604800);
        CHECK(config.watch.interval == 60);
        CHECK(config.hook.deliver == "background");
        CHECK(config.repositories.empty());
    }

    TEST_CASE("every documented key is read") {
        const auto config = config::parse_config(R"(
api_key_file: /etc/pulse-agent/key
base_url: http://127.0.0.1:9000
outbox: /tmp/o.db
system: shop
timeouts: {connect: 2, total: 5, low_speed: 3}
retry: {initial_backoff: 1, max_backoff: 60, max_retry_after: 120, max_age: 600}
hook: {quiet: true, deliver: none}
watch: {interval: 15, fetch: true, fetch_timeout: 40, backfill_on_first_sight: true}
repositories:
  - /srv/git/simple.git
  - path: /srv/git/**/*.git
    system: mirrors
    strategy: branch
    deploy_branch: production
    branches: [main, "release/*"]
    tag_pattern: '^rel-\d+$'
)",
                                                 "c.yaml")
                                .value();
        CHECK(config.api_key_file == "/etc/pulse-agent/key");
        CHECK(config.base_url == "http://127.0.0.1:9000");
        CHECK(config.system == "shop");
        CHECK(config.timeouts.connect == 2);
        CHECK(config.timeouts.total == 5);
        CHECK(config.timeouts.low_speed == 3);
        CHECK(config.retry.initial_backoff == 1);
        CHECK(config.retry.max_backoff == 60);
        CHECK(config.retry.max_retry_after == 120);
        CHECK(config.retry.max_age == 600);
        CHECK(config.hook.quiet);
        CHECK(config.hook.deliver == "none");
        CHECK(config.watch.interval == 15);
        CHECK(config.watch.backfill_on_first_sight);
        REQUIRE(config.repositories.size() == 2);
        CHECK(config.repositories[0].path == "/srv/git/simple.git");
        CHECK_FALSE(config.repositories[0].system.has_value());
        CHECK(config.repositories[1].strategy == "branch");
        CHECK(config.repositories[1].branches == std::vector<std::string>{"main", "release/*"});
        CHECK(config.repositories[1].tag_pattern == "^rel-\\d+$");
    }

    TEST_CASE("retention.delivered_days is read, 30 by default, never negative") {
        CHECK(config::parse_config("", "c.yaml").value().retention.delivered_days == 30);
        CHECK(config::parse_config("retention:\n  delivered_days: 0\n", "c.yaml")
                  .value()
                  .retention.delivered_days == 0);
        CHECK(error_of("retention:\n  delivered_days: -1\n") ==
              "c.yaml:2:19: 'delivered_days' must not be negative");
        CHECK(error_of("retention:\n  keep: 1\n") == "c.yaml:2:3: unknown key 'keep' in retention");
    }

    TEST_CASE("delivery.concurrency and stop_grace are read, within their bounds") {
        const auto defaults = config::parse_config("", "c.yaml").value().delivery;
        CHECK(defaults.concurrency == 100);
        CHECK(defaults.stop_grace == 10);
        const auto read =
            config::parse_config("delivery:\n  concurrency: 8\n  stop_grace: 3\n", "c.yaml")
                .value()
                .delivery;
        CHECK(read.concurrency == 8);
        CHECK(read.stop_grace == 3);
        CHECK(error_of("delivery:\n  concurrency: 0\n") ==
              "c.yaml:2:16: 'concurrency' must be from 1 to 1000");
        CHECK(error_of("delivery:\n  concurrency: 1001\n") ==
              "c.yaml:2:16: 'concurrency' must be from 1 to 1000");
        CHECK(error_of("delivery:\n  stop_grace: 0\n") ==
              "c.yaml:2:15: 'stop_grace' must be positive");
        CHECK(error_of("delivery:\n  parallel: 2\n") ==
              "c.yaml:2:3: unknown key 'parallel' in delivery");
    }

    TEST_CASE("an unknown key names file, line and column") {
        CHECK(error_of("base_url: http://x\nbase_ulr: http://y\n") ==
              "c.yaml:2:1: unknown key 'base_ulr' in the config file");
        CHECK(error_of("timeouts:\n  connect: 1\n  totl: 2\n") ==
              "c.yaml:3:3: unknown key 'totl' in timeouts");
    }

    TEST_CASE("a key that is a list or a mapping is an error, not an exception") {
        CHECK(error_of("[a]: 1\n") == "c.yaml:1:1: a key in the config file must be a plain name");
        CHECK(error_of("timeouts:\n  ? {connect: 1}\n  : 2\n") ==
              "c.yaml:2:5: a key in timeouts must be a plain name");
    }

    TEST_CASE("a wrong type names file, line and column") {
        CHECK(error_of("timeouts:\n  total: soon\n") ==
              "c.yaml:2:10: 'total' must be a whole number of seconds, not 'soon'");
        CHECK(error_of("hook:\n  quiet: maybe\n") ==
              "c.yaml:2:10: 'quiet' must be true or false, not 'maybe'");
        CHECK(error_of("base_url: [a, b]\n") == "c.yaml:1:11: 'base_url' must be a string");
        CHECK(error_of("timeouts: 5\n") == "c.yaml:1:11: timeouts must be a mapping");
        CHECK(error_of("watch:\n  interval: 0\n") == "c.yaml:2:13: 'interval' must be positive");
    }

    TEST_CASE("bad values and YAML syntax errors are located too") {
        CHECK(error_of("repositories:\n  - path: /x\n    strategy: weekly\n") ==
              "c.yaml:3:15: 'strategy' must be tags, branch or none");
        CHECK(error_of("repositories:\n  - system: x\n") ==
              "c.yaml:2:5: a repository needs a 'path'");
        CHECK(error_of("timeouts:\n  total: [1, 2\n").starts_with("c.yaml:3:"));
    }

    TEST_CASE("a key given twice is an error, not the first value silently") {
        CHECK(error_of("system: a\nsystem: b\n") ==
              "c.yaml:2:1: 'system' is given twice in the config file");
        CHECK(error_of("watch:\n  interval: 5\n  interval: 6\n") ==
              "c.yaml:3:3: 'interval' is given twice in watch");
    }

    TEST_CASE("a second YAML document is an error, not ignored") {
        CHECK(error_of("system: a\n---\nsystem: b\n") ==
              "c.yaml:2:1: a config file holds one YAML document");
        CHECK(error_of("# comment\n---\nsystem: a\n--- \nsystem: b\n") ==
              "c.yaml:4:1: a config file holds one YAML document");
        // A leading marker, and "---" inside a value, start no second document.
        const auto one = config::parse_config("---\nsystem: a---b\n", "c.yaml");
        REQUIRE(one.has_value());
        CHECK(one->system == "a---b");
    }

    TEST_CASE("input on which yaml-cpp's LoadAll loops for ever is read at once") {
        // Found by the config fuzz target (fuzz/corpus/config/loadall-loop):
        // it returns, with a value or an error, and throws nothing.
        CHECK_NOTHROW(config::parse_config(", {path: x, strategy: nightly}]\n", "c.yaml"));
    }

    TEST_CASE("an unterminated quote is an error, not the rest of the file") {
        CHECK(error_of("system: \"shop\nbase_url: http://x\n") ==
              "c.yaml:1:9: unterminated quoted string");
        CHECK(error_of("repositories:\n  - path: '/srv/a.git\n") ==
              "c.yaml:2:11: unterminated quoted string");
        CHECK(error_of("branches: [\"main]\n").starts_with("c.yaml:"));
        const auto quoted = config::parse_config(
            "system: \"a \\\" b\"\noutbox: 'it''s'\nrepositories: [\"/x\"]\n", "c.yaml");
        REQUIRE(quoted.has_value());
        CHECK(quoted->system == "a \" b");
        CHECK(quoted->outbox == "it's");
        CHECK(quoted->repositories.at(0).path == "/x");
    }

    TEST_CASE("a mapping used as a key names the file") {
        CHECK(error_of("{x: 1}: 2\n") ==
              "c.yaml:1:1: a key in the config file must be a plain name");
        CHECK(error_of("? [a]\n: 1\n") ==
              "c.yaml:1:3: a key in the config file must be a plain name");
    }

    TEST_CASE("nesting too deep names the file and says so") {
        const auto message = error_of(std::string(20000, '['));
        CHECK(message.starts_with("c.yaml:1:"));
        CHECK(message.find("nesting too deep") != std::string::npos);
    }

    TEST_CASE("a config path that is a directory is an error") {
        const auto result = config::load_config("/tmp");
        REQUIRE_FALSE(result.has_value());
        CHECK(result.error().message == "reading config '/tmp': it is a directory, not a file");
    }

    TEST_CASE("a missing file is a clear error") {
        const auto result = config::load_config("/nonexistent/pulse.yaml");
        REQUIRE_FALSE(result.has_value());
        CHECK(result.error().message ==
              "reading config '/nonexistent/pulse.yaml': No such file or directory");
    }
}

namespace {

// Return every problem message of a config text, in order.
std::vector<std::string> problems_of(const std::string& text) {
    std::vector<std::string> messages;
    for (const auto& problem : config::read_config(text, "c.yaml").problems) {
        messages.push_back(problem.message);
    }
    return messages;
}

// Return what std::regex says of a pattern it cannot compile.
std::string regex_error(const std::string& pattern) {
    try {
        std::regex compiled(pattern);
    } catch (const std::regex_error& e) {
        return e.what();
    }
    return "";
}

} // namespace

TEST_SUITE("config::ParsedConfig") {
    TEST_CASE("every problem is reported, located, in the order of the file") {
        CHECK(problems_of("watch:\n  intervall: 5\nbase_url: example.com\n"
                          "timeouts: {total: soon, connect: 0}\nhook: {deliver: later}\n"
                          "repositories:\n  - path: /x\n    tag_pattern: 'v(['\n"
                          "retry: {max_age: 999999999999}\nsystem: a\nsystem: b\n") ==
              std::vector<std::string>{
                  "c.yaml:2:3: unknown key 'intervall' in watch",
                  "c.yaml:3:11: 'base_url' must be a URL that starts with http:// or https://",
                  "c.yaml:4:19: 'total' must be a whole number of seconds, not 'soon'",
                  "c.yaml:4:34: 'connect' must be positive",
                  "c.yaml:5:17: 'deliver' must be background, none or service",
                  "c.yaml:8:18: 'tag_pattern' is not a regular expression: " + regex_error("v(["),
                  "c.yaml:9:18: 'max_age' must be at most 315360000 (ten years)",
                  "c.yaml:11:1: 'system' is given twice in the config file"});
    }

    TEST_CASE("each problem names its top-level key and what is used instead") {
        const auto parsed = config::read_config(
            "outbox: /o.db\nwatch: {interval: 0}\nhook: {quiet: maybe, deliver: later}\n"
            "bogus: 1\nrepositories:\n  - system: x\n  - path: /y\n    strategy: weekly\n",
            "c.yaml");
        REQUIRE(parsed.problems.size() == 6);
        const auto& p = parsed.problems;
        CHECK((p[0].section == "watch" && p[0].fallback == "using the default"));
        CHECK((p[1].section == "hook" && p[1].fallback == "using the default"));
        CHECK((p[2].section == "hook" && p[2].fallback == "using none"));
        CHECK((p[3].section.empty() && p[3].fallback == "ignoring it"));
        CHECK((p[4].section == "repositories" && p[4].fallback == "ignoring this repository"));
        CHECK((p[5].section == "repositories" && p[5].fallback == "using the default"));
        // What could be read was read; a broken key holds its fallback.
        const auto& c = parsed.config;
        CHECK(c.outbox == "/o.db");
        CHECK(c.watch.interval == 60);
        CHECK_FALSE(c.hook.quiet);
        CHECK(c.hook.deliver == "none");
        REQUIRE(c.repositories.size() == 1);
        CHECK(c.repositories[0].path == "/y");
        CHECK_FALSE(c.repositories[0].strategy.has_value());
    }

    TEST_CASE("a file that cannot be read as a whole is one problem and every default") {
        for (const std::string text :
             {"outbox: /o.db\nsystem: [a\n", "outbox: \"/o.db\nsystem: a\n",
              "outbox: /o.db\n---\nsystem: a\n", "- outbox\n"}) {
            CAPTURE(text);
            const auto parsed = config::read_config(text, "c.yaml");
            REQUIRE(parsed.problems.size() == 1);
            CHECK(parsed.problems[0].section.empty());
            CHECK(parsed.problems[0].fallback == "using the defaults");
            CHECK_FALSE(parsed.config.outbox.has_value());
        }
    }

    TEST_CASE("a URL with a scheme and a pattern that compiles are no problem") {
        CHECK(config::read_config(
                  "base_url: HTTPS://x\nrepositories: [{path: /x, tag_pattern: '^v\\d+$'}]\n",
                  "c.yaml")
                  .problems.empty());
        CHECK(config::read_config("base_url: ftp://x\n", "c.yaml").problems.size() == 1);
        CHECK(config::read_config("base_url: https://x:8080/p\n", "c.yaml").problems.empty());
        CHECK(config::read_config("base_url: http://127.0.0.1\n", "c.yaml").problems.empty());
        CHECK(config::read_config("timeouts: {total: 315360000}\n", "c.yaml").problems.empty());
    }
}

TEST_SUITE("config::Config monitoring keys") {
    TEST_CASE("log, metrics and health are unset or defaulted in an empty file") {
        const auto config = config::parse_config("", "c.yaml").value();
        CHECK_FALSE(config.log.level);
        CHECK_FALSE(config.log.format);
        CHECK_FALSE(config.metrics.listen);
        CHECK_FALSE(config.metrics.textfile);
        CHECK(config.health.failing_after == 900);
    }

    TEST_CASE("every monitoring key is read") {
        const auto config = config::parse_config(R"(
log:
  level: debug
  format: json
metrics:
  listen: "[::1]:9464"
  textfile: /var/lib/node_exporter/pulse-agent.prom
health:
  failing_after: 120
)",
                                                 "c.yaml")
                                .value();
        CHECK(config.log.level == "debug");
        CHECK(config.log.format == "json");
        CHECK(config.metrics.listen == "[::1]:9464");
        CHECK(config.metrics.textfile == "/var/lib/node_exporter/pulse-agent.prom");
        CHECK(config.health.failing_after == 120);
    }

    TEST_CASE("wrong values name the key, line and column") {
        CHECK(error_of("log:\n  level: loud\n") ==
              "c.yaml:2:10: 'level' must be trace, debug, info, warning, error, critical or off");
        CHECK(error_of("log:\n  format: xml\n") == "c.yaml:2:11: 'format' must be text or json");
        CHECK(error_of("metrics:\n  listen: localhost:9464\n")
                  .starts_with("c.yaml:2:11: 'listen' must be HOST:PORT with a numeric address"));
        CHECK(error_of("metrics:\n  listen: 127.0.0.1:99999\n").ends_with("not a port '99999'"));
        CHECK(error_of("metrics:\n  port: 1\n") == "c.yaml:2:3: unknown key 'port' in metrics");
        CHECK(error_of("health:\n  failing_after: 0\n") ==
              "c.yaml:2:18: 'failing_after' must be positive");
    }
}

TEST_SUITE("config::Config example") {
    TEST_CASE("the example config documents only keys that parse") {
        const auto path =
            std::filesystem::path(__FILE__).parent_path().parent_path().parent_path() / "config" /
            "pulse-agent.example.yaml";
        const auto result = config::load_config(path);
        REQUIRE_MESSAGE(result.has_value(), (result ? "" : result.error().message));
        CHECK(result->base_url == "https://ingestion.pulse.codacy.com");
        // The example says its values are the defaults.
        const model::NetworkLimits limits;
        CHECK(result->timeouts.connect == limits.connect);
        CHECK(result->timeouts.total == limits.total);
        CHECK(result->timeouts.low_speed == limits.low_speed);
        const model::RetryPolicy retry;
        CHECK(result->retry.initial_backoff == retry.initial_backoff);
        CHECK(result->retry.max_backoff == retry.max_backoff);
        CHECK(result->retry.max_retry_after == retry.max_retry_after);
        CHECK(result->retry.max_age == retry.max_age);
        const model::DeliveryPolicy delivery;
        CHECK(result->delivery.concurrency == delivery.concurrency);
        CHECK(result->delivery.stop_grace == delivery.stop_grace);
        CHECK(result->log.level == "info");
        CHECK(result->log.format == "text");
        CHECK(result->health.failing_after == config::Health{}.failing_after);
        CHECK_FALSE(result->metrics.listen);
    }
}
