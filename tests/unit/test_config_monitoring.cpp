#include "config/config.hpp"

#include <doctest/doctest.h>
#include <filesystem>

namespace {

std::string error_of(const std::string& text) {
    const auto result = config::parse_config(text, "c.yaml");
    REQUIRE_FALSE(result.has_value());
    return result.error().message;
}

} // namespace

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
    TEST_CASE("the example config gives the monitoring keys their defaults") {
        const auto path =
            std::filesystem::path(__FILE__).parent_path().parent_path().parent_path() / "config" /
            "pulse-agent.example.yaml";
        const auto result = config::load_config(path);
        REQUIRE_MESSAGE(result.has_value(), (result ? "" : result.error().message));
        CHECK(result->log.level == "info");
        CHECK(result->log.format == "text");
        CHECK(result->health.failing_after == config::Health{}.failing_after);
        CHECK_FALSE(result->metrics.listen);
    }
}
