#include "daemon/delivery_loop.hpp"

#include <doctest/doctest.h>

TEST_SUITE("pulse_daemon::problem_kind") {
    TEST_CASE("attempts of one outage are one kind, whatever their timing") {
        const std::string url = "POST http://127.0.0.1:9/v1/ingestion/cli: ";
        SUBCASE("a refused connection, however long curl took to see it") {
            const auto first = url + "Failed to connect to 127.0.0.1 port 9 after 0 ms: "
                                     "Couldn't connect to server; retrying in 1s";
            const auto later = url + "Failed to connect to 127.0.0.1 port 9 after 12 ms: "
                                     "Couldn't connect to server; retrying in 2s";
            CHECK(pulse_daemon::problem_kind(first) == pulse_daemon::problem_kind(later));
            CHECK(pulse_daemon::problem_kind(first) ==
                  url + "Failed to connect to 127.0.0.1 port 9: Couldn't connect to server");
        }
        SUBCASE("a timeout, however long it ran") {
            CHECK(pulse_daemon::problem_kind(url + "Operation timed out after 5001 milliseconds "
                                                   "with 0 bytes received; retrying in 1s") ==
                  pulse_daemon::problem_kind(url + "Operation timed out after 5002 milliseconds "
                                                   "with 0 bytes received; retrying in 2s"));
        }
    }

    TEST_CASE("different problems stay different kinds") {
        const std::string url = "POST http://127.0.0.1:9/v1/ingestion/cli: ";
        CHECK(pulse_daemon::problem_kind(url + "HTTP 503; retrying in 1s") !=
              pulse_daemon::problem_kind(url + "HTTP 502; retrying in 1s"));
        CHECK(pulse_daemon::problem_kind(url + "Failed to connect to 127.0.0.1 port 9 after 0 ms: "
                                               "Couldn't connect to server") !=
              pulse_daemon::problem_kind(url + "Operation timed out after 5001 milliseconds with "
                                               "0 bytes received"));
        CHECK(pulse_daemon::problem_kind("") == "");
    }
}
