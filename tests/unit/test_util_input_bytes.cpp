#include "util/input_bytes.hpp"

#include <doctest/doctest.h>
#include <string>
#include <thread>
#include <unistd.h>

namespace {

// Return what InputBytes reads from a pipe fed `text` in `piece`-sized writes.
std::string read_through_pipe(const std::string& text, std::size_t piece) {
    int ends[2];
    REQUIRE(::pipe(ends) == 0);
    std::thread writer([&] {
        for (std::size_t at = 0; at < text.size(); at += piece) {
            const auto part = text.substr(at, piece);
            REQUIRE(::write(ends[1], part.data(), part.size()) ==
                    static_cast<ssize_t>(part.size()));
        }
        ::close(ends[1]);
    });
    const auto bytes = util::InputBytes::read_all(ends[0]);
    writer.join();
    ::close(ends[0]);
    return std::string(bytes.view());
}

} // namespace

TEST_SUITE("util::InputBytes") {
    TEST_CASE("everything until the end, however it arrives and however much") {
        CHECK(read_through_pipe("", 1).empty());
        CHECK(read_through_pipe("one line\n", 3) == "one line\n");
        // Past several doublings of its room (1, 2, 4, 8 MB), in odd pieces.
        std::string big;
        for (int i = 0; big.size() < (std::size_t{5} << 20) + 17; ++i) {
            big += std::to_string(i) + " abcdefghijklmnopqrstuvwxyz\n";
        }
        CHECK(read_through_pipe(big, 65521) == big);
    }

    TEST_CASE("a moved-from input is empty and the bytes move with it") {
        auto first = util::InputBytes::read_all(-1); // a read error ends it
        CHECK(first.view().empty());
        int ends[2];
        REQUIRE(::pipe(ends) == 0);
        REQUIRE(::write(ends[1], "abc", 3) == 3);
        ::close(ends[1]);
        auto read = util::InputBytes::read_all(ends[0]);
        ::close(ends[0]);
        const auto moved = std::move(read);
        CHECK(moved.view() == "abc");
        CHECK(read.view().empty()); // NOLINT(bugprone-use-after-move): what it checks
    }
}
