#include "derive/revert_line.hpp"

#include <doctest/doctest.h>

TEST_SUITE("derive::reverted_id") {
    TEST_CASE("git's lines name the reverted commit") {
        const std::string full = "3f9a8c1d2e4b5a6978877665544332211aabbccd";
        SUBCASE("plain") {
            CHECK(derive::reverted_id("Revert \"x\"\n\nThis reverts commit " + full + ".\n") ==
                  full);
        }
        SUBCASE("merge, wrapped after reversing") {
            CHECK(derive::reverted_id("Revert \"Merge\"\n\nThis reverts commit " + full +
                                      ", reversing\nchanges made to 0123456789abcdef.\n") == full);
        }
        SUBCASE("merge on one line") {
            CHECK(derive::reverted_id("This reverts commit " + full +
                                      ", reversing changes made to 01234567.") == full);
        }
        SUBCASE("abbreviated, upper case, CRLF") {
            CHECK(derive::reverted_id("x\r\n\r\nThis reverts commit 3F9A8C1.\r\n") == "3f9a8c1");
        }
        SUBCASE("the first revert line wins") {
            CHECK(derive::reverted_id("This reverts commit abcd.\nThis reverts commit 1234.") ==
                  "abcd");
        }
    }

    TEST_CASE("other text is no revert line") {
        CHECK_FALSE(derive::reverted_id(""));
        CHECK_FALSE(derive::reverted_id("Revert \"x\""));
        CHECK_FALSE(derive::reverted_id("see: This reverts commit abcdef1."));
        CHECK_FALSE(derive::reverted_id("This reverts commit abc."));
        CHECK_FALSE(derive::reverted_id("This reverts commit " + std::string(41, 'a') + "."));
        CHECK_FALSE(derive::reverted_id("This reverts commit abcdef1"));
        CHECK_FALSE(derive::reverted_id("This reverts commit abcdef1 (subject)."));
        CHECK_FALSE(derive::reverted_id("This reverts commit abcdef1, reversing\nnothing."));
        CHECK_FALSE(derive::reverted_id("This reverts commit xyzxyz1."));
    }

    TEST_CASE("a valid line after an invalid one is found") {
        CHECK(derive::reverted_id("This reverts commit nope.\nThis reverts commit cafe.") ==
              "cafe");
    }
}
