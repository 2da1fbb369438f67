#include "cli/go_grammar.hpp"

#include <doctest/doctest.h>
#include <string>
#include <vector>

namespace po = boost::program_options;

namespace {

using Words = std::vector<std::string>;

const Words k_switches = {"dry-run", "help", "h"};

// Parse as `push deployment` reads its flags.
po::variables_map parse_deployment(const Words& args) {
    po::options_description options;
    options.add_options()("api-key", po::value<std::string>())("identifier",
                                                               po::value<std::string>())(
        "teams", po::value<Words>())("dry-run", po::bool_switch())("changes", po::value<Words>());
    po::positional_options_description positional;
    positional.add("changes", -1);
    return cli::parse_go(args, options, &positional, {"teams", "changes"});
}

} // namespace

TEST_SUITE("cli::go_grammar") {
    TEST_CASE("hoist_flags moves flags before the first word to just after it") {
        CHECK(cli::hoist_flags({"--api-key", "K", "--base-url", "U", "change", "--identifier", "x"},
                               k_switches) ==
              Words{"change", "--api-key", "K", "--base-url", "U", "--identifier", "x"});
        CHECK(cli::hoist_flags({"--dry-run", "--api-key=K", "-system", "s", "git", "deployment"},
                               k_switches) ==
              Words{"git", "--dry-run", "--api-key=K", "-system", "s", "deployment"});
        CHECK(cli::hoist_flags({"change", "--identifier", "x"}, k_switches) ==
              Words{"change", "--identifier", "x"});
        CHECK(cli::hoist_flags({"--api-key", "K"}, k_switches) == Words{"--api-key", "K"});
    }

    TEST_CASE("parse_go keeps the last of a repeated flag and appends --teams") {
        const auto vm =
            parse_deployment({"--identifier", "x", "--identifier", "y", "--api-key", "a", "--teams",
                              "a", "--api-key=b", "--teams", "b,c", "sha1", "sha2"});
        CHECK(vm["identifier"].as<std::string>() == "y");
        CHECK(vm["api-key"].as<std::string>() == "b");
        CHECK(vm["teams"].as<Words>() == Words{"a", "b,c"});
        CHECK(vm["changes"].as<Words>() == Words{"sha1", "sha2"});
    }

    TEST_CASE("parse_go still refuses unknown flags") {
        CHECK_THROWS_AS(parse_deployment({"--nope", "1"}), cli::UsageError);
    }

    TEST_CASE("parse_teams reads each value as one CSV record") {
        CHECK(cli::parse_teams({"a, b"}) == Words{"a", " b"});
        CHECK(cli::parse_teams({"a,,b"}) == Words{"a", "", "b"});
        CHECK(cli::parse_teams({R"("x,y",z)"}) == Words{"x,y", "z"});
        CHECK(cli::parse_teams({"a", "b,c", ""}) == Words{"a", "b", "c"});
        CHECK_THROWS_AS(cli::parse_teams({"a\"b"}), cli::UsageError);
    }

    TEST_CASE("parse_event_time reads Go integers, dates and RFC 3339 times") {
        CHECK(cli::parse_event_time("timestamp", "1602852032") == 1602852032);
        CHECK(cli::parse_event_time("timestamp", "0x5F8994C0") == 1602852032);
        CHECK(cli::parse_event_time("timestamp", "+1602852032") == 1602852032);
        CHECK(cli::parse_event_time("timestamp", "1_602_852_032") == 1602852032);
        CHECK(cli::parse_event_time("timestamp", "0755") == 493);
        CHECK(cli::parse_event_time("timestamp", "2020-10-16") == 1602806400);
        CHECK(cli::parse_event_time("timestamp", "2020-10-16T11:40:32Z") == 1602848432);
        CHECK(cli::parse_event_time("timestamp", "-1") == -1);
        CHECK(cli::parse_event_time("timestamp", "32503679999") == 32503679999);
    }

    TEST_CASE("parse_event_time refuses milliseconds, out-of-range and impossible times") {
        auto refusal = [](const std::string& text) {
            try {
                cli::parse_event_time("timestamp", text);
            } catch (const cli::UsageError& e) {
                return std::string(e.what());
            }
            FAIL("accepted " << text);
            return std::string();
        };
        CHECK(refusal("1602852032000") ==
              "--timestamp '1602852032000': after the year 3000: looks like milliseconds "
              "(1602852032 would be 2020-10-16T12:40:32Z); give Unix seconds");
        CHECK(refusal("99999999999999").find("looks like milliseconds") != std::string::npos);
        CHECK(refusal("253402300800").find("looks like milliseconds") != std::string::npos);
        CHECK(refusal("9223372036854775807").find("looks like milliseconds") != std::string::npos);
        CHECK(refusal("-62167219201").find("before the year 0") != std::string::npos);
        CHECK(refusal("-9223372036854775808").find("before the year 0") != std::string::npos);
        CHECK(refusal("9223372036854775808").find("value out of range") != std::string::npos);
        CHECK(refusal("2024-02-31").find("no such date") != std::string::npos);
        CHECK(refusal("2024-01-01T00:00:00+99:99").find("zone") != std::string::npos);
        CHECK(refusal("1.5").find("expected Unix seconds") != std::string::npos);
    }
}
