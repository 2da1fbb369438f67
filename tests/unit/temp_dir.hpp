#pragma once

// A fresh temporary folder per test, kept when the test fails so it can be
// inspected (STYLE.md: each test gets a fresh folder, kept on failure).

#include <cstdlib>
#include <doctest/doctest.h>
#include <exception>
#include <filesystem>
#include <stdexcept>
#include <string>

namespace test_support {

// Set by the listener in test_git_fixture.cpp when an assertion fails.
inline bool& failed_flag() {
    static bool failed = false;
    return failed;
}

// A fresh temporary folder, removed at the end unless the test failed.
class TempDir {
public:
    TempDir() {
        std::string pattern =
            (std::filesystem::temp_directory_path() / "pulse-test-XXXXXX").string();
        if (mkdtemp(pattern.data()) == nullptr) {
            throw std::runtime_error("mkdtemp failed");
        }
        m_path = pattern;
        failed_flag() = false;
    }
    ~TempDir() {
        if (failed_flag() || std::uncaught_exceptions() > 0 ||
            std::getenv("PULSE_KEEP_TEST_DIRS")) {
            MESSAGE("test folder kept: " << m_path.string());
            return;
        }
        std::error_code ec;
        std::filesystem::remove_all(m_path, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    const std::filesystem::path& path() const { return m_path; }

private:
    std::filesystem::path m_path;
};

} // namespace test_support
