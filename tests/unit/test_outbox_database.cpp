#include "model/error.hpp"
#include "outbox/database.hpp"
#include "temp_dir.hpp"

#include <atomic>
#include <chrono>
#include <doctest/doctest.h>
#include <thread>

TEST_SUITE("outbox::Database") {
    TEST_CASE("wait_busy_briefly retries until the writer is done, and gives up after") {
        test_support::TempDir s;
        const auto path = s.path() / "db";
        outbox::Database setup(path);
        setup.exec("PRAGMA journal_mode = WAL; CREATE TABLE t (x INTEGER)");
        outbox::Database waiter(path);
        waiter.wait_busy_briefly(std::chrono::milliseconds(2000));

        SUBCASE("a lock released soon is waited for, not long after") {
            // The writer takes the lock before the waiter tries, however busy the machine.
            std::atomic<bool> locked{false};
            std::chrono::steady_clock::time_point start;
            std::thread writer([&path, &locked, &start] {
                outbox::Database db(path);
                outbox::Transaction tx(db);
                start = std::chrono::steady_clock::now();
                locked = true;
                std::this_thread::sleep_for(std::chrono::milliseconds(30));
            });
            while (!locked) {
                std::this_thread::yield();
            }
            waiter.exec("INSERT INTO t VALUES (1)");
            writer.join();
            const auto waited = std::chrono::steady_clock::now() - start;
            CHECK(waited >= std::chrono::milliseconds(25));
            // Not much past the release (the machine may be busy).
            CHECK(waited < std::chrono::milliseconds(1000));
        }
        SUBCASE("a lock held past the patience is an error") {
            waiter.wait_busy_briefly(std::chrono::milliseconds(20));
            outbox::Database db(path);
            outbox::Transaction tx(db);
            CHECK_THROWS_AS(waiter.exec("INSERT INTO t VALUES (2)"), model::Failure);
        }
    }
}
