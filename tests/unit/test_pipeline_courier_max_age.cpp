#include "outbox/database.hpp"
#include "pipeline/courier.hpp"
#include "scripted_transport.hpp"
#include "temp_dir.hpp"

#include <deque>
#include <doctest/doctest.h>

// A poison event (answered with failures for retry.max_age) is parked so it
// no longer holds the deployments that list it; one that reaches no API is
// never parked.
namespace {

// A transport that gives the same answer to every request and counts them.
class SameAnswer : public test_support::ScriptedTransportBase {
public:
    SameAnswer(sender::HttpResponse answer, int& requests)
        : m_answer(std::move(answer)), m_requests(requests) {}

private:
    std::optional<sender::HttpResponse> respond(const sender::Request&) override {
        ++m_requests;
        return m_answer;
    }

    sender::HttpResponse m_answer;
    int& m_requests;
};

struct Fixture {
    test_support::TempDir scratch;
    outbox::Outbox box = outbox::Outbox::open(scratch.path() / "outbox.db").value();
    int requests = 0;

    Fixture() { queue("poison"); }

    void queue(const std::string& id) {
        const std::vector<model::Envelope> events = {
            {"shop", "test", model::Change{id, 1602848432}}};
        box.enqueue(events);
    }

    pipeline::Report deliver(sender::HttpResponse answer) {
        pipeline::CourierOptions options;
        options.base_url = "http://127.0.0.1:9";
        options.api_key = "k";
        options.retry = {10, 40, 100, 3600};
        pipeline::Courier courier(box, options, std::make_unique<SameAnswer>(answer, requests));
        return courier.deliver();
    }

    // Let time pass: every waiting event is due again, failing since `ago` seconds.
    void failing_for(long ago) {
        outbox::Database(box.path())
            .exec("UPDATE events SET next_attempt = 0, failing_since = " +
                  std::to_string(model::now() - ago) + " WHERE failing_since IS NOT NULL");
    }

    outbox::Record record(const std::string& id) { return box.find("shop", "change", id).value(); }
};

sender::HttpResponse status(long code) {
    sender::HttpResponse response;
    response.status = code;
    return response;
}

} // namespace

TEST_SUITE("pipeline::Courier max_age") {
    TEST_CASE("an event answered with failures for max_age is parked, a younger one is not") {
        Fixture f;
        const auto first = f.deliver(status(500));
        CHECK(first.stop == pipeline::Stop::retry_later);
        CHECK_FALSE(first.unreachable);
        const auto since = f.record("poison").failing_since;
        REQUIRE(since);
        CHECK(*since >= model::now() - 5);
        f.failing_for(3599);
        CHECK(f.deliver(status(503)).stop == pipeline::Stop::retry_later);
        CHECK(f.record("poison").state == outbox::State::queued);
        f.failing_for(3600);
        f.queue("next");
        const auto last = f.deliver(status(500));
        CHECK(last.rejected == 1);
        const auto poison = f.record("poison");
        CHECK(poison.state == outbox::State::parked);
        CHECK(poison.last_error.find("(retry.max_age)") != std::string::npos);
        // The next event is tried in the same round; its own failures have only begun.
        CHECK(f.requests == 4);
        CHECK(f.record("next").state == outbox::State::queued);
        CHECK(f.record("next").failing_since);
    }

    TEST_CASE("an event that reaches no API is never parked, and the round says so") {
        Fixture f;
        sender::HttpResponse refused;
        refused.error = "Couldn't connect to server";
        CHECK(f.deliver(refused).unreachable);
        f.failing_for(100000);
        const auto report = f.deliver(refused);
        CHECK(report.unreachable);
        CHECK(report.rejected == 0);
        CHECK(f.record("poison").state == outbox::State::queued);
        CHECK(report.problem.find("Couldn't connect to server") != std::string::npos);
    }
}
