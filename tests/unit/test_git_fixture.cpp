#include "git_fixture.hpp"

namespace {

// Records failed assertions so GitRepo folders of failed tests are kept.
struct FailureListener : doctest::IReporter {
    explicit FailureListener(const doctest::ContextOptions&) {}
    void report_query(const doctest::QueryData&) override {}
    void test_run_start() override {}
    void test_run_end(const doctest::TestRunStats&) override {}
    void test_case_start(const doctest::TestCaseData&) override {}
    void test_case_reenter(const doctest::TestCaseData&) override {}
    void test_case_end(const doctest::CurrentTestCaseStats&) override {}
    void test_case_exception(const doctest::TestCaseException&) override {}
    void subcase_start(const doctest::SubcaseSignature&) override {}
    void subcase_end() override {}
    void log_assert(const doctest::AssertData& data) override {
        if (data.m_failed) {
            git_fixture::failed_flag() = true;
        }
    }
    void log_message(const doctest::MessageData&) override {}
    void test_case_skipped(const doctest::TestCaseData&) override {}
};

REGISTER_LISTENER("git_fixture_failures", 1, FailureListener);

} // namespace

TEST_SUITE("git_fixture") {
    TEST_CASE("commits carry the fixture's dates") {
        git_fixture::TempDir dir;
        git_fixture::GitRepo repo(dir);
        repo.set_time(1600000000);
        const auto id = repo.commit("one");
        CHECK(repo.git("log -1 --format=%ct " + id) == "1600000060");
        CHECK(git_fixture::quote("it's") == "'it'\\''s'");
    }
}
