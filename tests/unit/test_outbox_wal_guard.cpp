#include "outbox/files.hpp"
#include "outbox/outbox.hpp"
#include "outbox/wal_guard.hpp"
#include "temp_dir.hpp"

#include <doctest/doctest.h>
#include <fstream>
#include <iterator>
#include <vector>

namespace {

std::vector<unsigned char> bytes_of(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_bytes(const std::filesystem::path& file, const std::vector<unsigned char>& bytes) {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(bytes.data()),
              static_cast<std::streamsize>(bytes.size()));
}

// An outbox closed with one event in its WAL; returns the WAL's bytes.
std::vector<unsigned char> outbox_with_wal(const std::filesystem::path& path) {
    auto box = outbox::Outbox::open(path).value();
    const std::vector<model::Envelope> events = {{"s", "test", model::Change{"c1", 1602848432}}};
    box.enqueue(events);
    return bytes_of(outbox::wal_path(path));
}

} // namespace

TEST_SUITE("outbox::wal_guard") {
    TEST_CASE("the header SQLite wrote is valid, and any change to it is not") {
        test_support::TempDir dir;
        const auto path = dir.path() / "outbox.db";
        {
            const auto wal = outbox_with_wal(path);
            REQUIRE(wal.size() > 32);
        }
        const auto wal = bytes_of(outbox::wal_path(path));
        const std::vector<unsigned char> header(wal.begin(), wal.begin() + 32);
        CHECK(outbox::is_valid_wal_header(header));
        CHECK(outbox::is_valid_wal_header({}));
        CHECK_FALSE(outbox::is_valid_wal_header(std::span(header.data(), 31)));
        for (const std::size_t at : {0u, 5u, 10u, 13u, 17u, 22u, 26u, 31u}) {
            CAPTURE(at);
            auto changed = header;
            changed[at] ^= 0x10;
            CHECK_FALSE(outbox::is_valid_wal_header(changed));
        }
    }

    TEST_CASE("a WAL with a bad header is moved aside; a sound one stays") {
        test_support::TempDir dir;
        const auto path = dir.path() / "outbox.db";
        { outbox_with_wal(path); }
        const auto sound = bytes_of(outbox::wal_path(path));
        REQUIRE(outbox::set_aside_invalid_wal(path));
        CHECK(bytes_of(outbox::wal_path(path)) == sound);
        CHECK(outbox::wal_problem(path).empty());

        std::vector<unsigned char> garbage(sound.size(), 0x5a);
        write_bytes(outbox::wal_path(path), garbage);
        CHECK(outbox::wal_problem(path).find("valid WAL header") != std::string::npos);
        REQUIRE(outbox::set_aside_invalid_wal(path));
        CHECK_FALSE(std::filesystem::exists(outbox::wal_path(path)));
        CHECK_FALSE(std::filesystem::exists(outbox::shm_path(path)));
        std::vector<std::filesystem::path> moved;
        for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
            if (entry.path().filename().string().starts_with("outbox.db-wal.corrupt-")) {
                moved.push_back(entry.path());
            }
        }
        REQUIRE(moved.size() == 1);
        CHECK(bytes_of(moved[0]) == garbage);
    }

    TEST_CASE("the WAL of an outbox this process has open is never checked at open") {
        test_support::TempDir dir;
        const auto path = dir.path() / "outbox.db";
        auto first = outbox::Outbox::open(path).value();
        const std::vector<model::Envelope> events = {{"s", "test", model::Change{"c1", 1}}};
        first.enqueue(events);
        // A second connection (the daemon has two) must not close descriptors
        // of the first one's files: it opens without looking.
        auto second = outbox::Outbox::open(path);
        REQUIRE(second);
        CHECK(second->find("s", "change", "c1"));
    }
}
