#include "outbox/database.hpp"
#include "pipeline/courier.hpp"
#include "scripted_transport.hpp"
#include "temp_dir.hpp"

#include <atomic>
#include <chrono>
#include <deque>
#include <doctest/doctest.h>
#include <functional>
#include <memory>
#include <stdexcept>

namespace {

// Percent-encoded in the URL, so redaction has both spellings to catch.
const std::string k_key = "s3cret/key";
const std::string k_key_in_url = "s3cret%2fkey";

// The far end of the fake transport: the answers still to give (nullopt:
// never answer), the requests seen so far, and something to do while a
// request is "in flight".
struct Wire {
    std::deque<std::optional<sender::HttpResponse>> answers;
    std::vector<sender::Request> requests;
    std::function<void()> during_request;
};

// A transport that answers from a script and records what it was asked.
class ScriptedTransport : public test_support::ScriptedTransportBase {
public:
    explicit ScriptedTransport(Wire& wire) : m_wire(wire) {}

private:
    std::optional<sender::HttpResponse> respond(const sender::Request& request) override {
        m_wire.requests.push_back(request);
        if (m_wire.during_request) {
            m_wire.during_request();
        }
        if (m_wire.answers.empty()) {
            throw std::logic_error("the courier sent a request the script did not expect");
        }
        auto answer = m_wire.answers.front();
        m_wire.answers.pop_front();
        return answer;
    }

    Wire& m_wire;
};

sender::HttpResponse answer(long status, std::string body = "") {
    sender::HttpResponse response;
    response.status = status;
    response.body = std::move(body);
    return response;
}

sender::HttpResponse network_error(std::string error) {
    sender::HttpResponse response;
    response.error = std::move(error);
    return response;
}

model::Envelope change(const std::string& system, const std::string& id) {
    return {system, "test", model::Change{id, 1602848432}};
}

model::Envelope deployment(const std::string& system, const std::string& id,
                           std::vector<std::string> changes) {
    return {system, "test", model::Deployment{id, 1602848432, std::move(changes), {}}};
}

// Options with short retries: backoff 10 s doubling up to 40 s, Retry-After capped at 100 s.
pipeline::CourierOptions options_for_tests() {
    pipeline::CourierOptions options;
    options.base_url = "http://127.0.0.1:9/?tenant=t";
    options.api_key = k_key;
    options.retry = {10, 40, 100};
    return options;
}

// A fresh outbox, a scripted wire and the options a courier gets.
struct Fixture {
    test_support::TempDir scratch;
    outbox::Outbox box = outbox::Outbox::open(scratch.path() / "outbox.db").value();
    Wire wire;
    pipeline::CourierOptions options = options_for_tests();

    void queue(std::initializer_list<model::Envelope> events) {
        box.enqueue(std::vector<model::Envelope>(events));
    }

    pipeline::Report deliver(const std::atomic<bool>* stop = nullptr) {
        pipeline::Courier courier(box, options, std::make_unique<ScriptedTransport>(wire));
        return courier.deliver(stop);
    }

    outbox::Record record(const std::string& system, const std::string& id,
                          const std::string& type = "change") {
        return box.find(system, type, id).value();
    }

    // Let time pass: every waiting event is due again.
    void make_all_due() { outbox::Database(box.path()).exec("UPDATE events SET next_attempt = 0"); }

    // Deliver one round; return whether the wait it gave shop's `id` before
    // its next attempt may lie in [low, high] (the round's duration blurs it).
    bool waits_between(const std::string& id, long low, long high) {
        const auto before = model::now();
        deliver();
        const auto next = record("shop", id).next_attempt;
        return next - model::now() <= high && next - before >= low;
    }

    // Return the ids of the changes requested, in order.
    std::vector<std::string> requested_ids() const {
        std::vector<std::string> ids;
        for (const auto& request : wire.requests) {
            if (request.body.find("\"deploy_id\":\"") != std::string::npos) {
                const auto start = request.body.find("\"deploy_id\":\"") + 13;
                ids.push_back(request.body.substr(start, request.body.find('"', start) - start));
                continue;
            }
            const auto start = request.body.find("\"change_id\":\"") + 13;
            ids.push_back(request.body.substr(start, request.body.find('"', start) - start));
        }
        return ids;
    }
};

} // namespace

TEST_SUITE("pipeline::Courier") {
    TEST_CASE("a 2xx marks the event delivered and sends it as the API expects") {
        Fixture f;
        f.queue({change("shop", "c1"), change("shop", "c2"), change("shop", "c3")});
        f.wire.answers = {answer(200), answer(201), answer(204)};
        const auto report = f.deliver();
        CHECK(report.delivered == 3);
        CHECK(report.stop == pipeline::Stop::drained);
        CHECK(report.problem.empty());
        CHECK(f.wire.answers.empty());
        for (const auto& id : {"c1", "c2", "c3"}) {
            const auto record = f.record("shop", id);
            CHECK(record.state == outbox::State::delivered);
            CHECK(record.attempts == 1);
        }
        CHECK(f.record("shop", "c2").last_status == 201);
        const auto& request = f.wire.requests.at(0);
        CHECK(request.url == "http://127.0.0.1:9/v1/ingestion/cli?tenant=t&api_key=" +
                                 k_key_in_url + "&system=shop");
        CHECK(request.body == f.record("shop", "c1").body);
        CHECK(request.secret == k_key);
        CHECK(request.headers.at(0) == "Content-Type: application/json");
        CHECK(request.headers.at(1) == "Environment: test");
        CHECK(request.headers.at(2).starts_with("CLI-Version: "));
    }

    TEST_CASE("more events than one batch are all delivered") {
        Fixture f;
        std::vector<model::Envelope> events;
        for (int i = 0; i < 300; ++i) {
            events.push_back(change("shop", "c" + std::to_string(i)));
            f.wire.answers.push_back(answer(200));
        }
        f.box.enqueue(events);
        CHECK(f.deliver().delivered == 300);
        CHECK(f.box.counts(model::now()).queued == 0);
    }

    TEST_CASE("408, 429, 5xx and network errors are retried later, and the rest go on") {
        for (const long status : {0L, 408L, 429L, 500L, 502L, 503L}) {
            CAPTURE(status);
            Fixture f;
            f.queue({change("shop", "c1"), change("shop", "c2")});
            f.wire.answers = {status ? answer(status) : network_error("connection refused"),
                              answer(200)};
            const auto report = f.deliver();
            CHECK(report.retried == 1);
            CHECK(report.delivered == 1);
            CHECK(report.stop == pipeline::Stop::retry_later);
            CHECK(f.requested_ids() == std::vector<std::string>{"c1", "c2"});
            const auto record = f.record("shop", "c1");
            CHECK(record.state == outbox::State::queued);
            CHECK(record.attempts == 1);
            CHECK(record.next_attempt > model::now());
            if (status) {
                CHECK(record.last_status == status);
                CHECK(record.last_error.find("HTTP " + std::to_string(status)) !=
                      std::string::npos);
            } else {
                CHECK_FALSE(record.last_status.has_value());
                CHECK(record.last_error ==
                      "POST http://127.0.0.1:9/v1/ingestion/cli: connection refused");
            }
            CHECK(f.record("shop", "c2").state == outbox::State::delivered);
        }
    }

    TEST_CASE("failures in a row end the round: the API is down") {
        Fixture f;
        f.queue({change("shop", "c1"), change("shop", "c2"), change("shop", "c3"),
                 change("shop", "c4")});
        f.wire.answers = {answer(502), network_error("connection refused"), answer(500)};
        const auto report = f.deliver();
        CHECK(report.stop == pipeline::Stop::retry_later);
        CHECK(report.retried == 3);
        CHECK(f.record("shop", "c4").attempts == 0);
    }

    TEST_CASE("an explicit push (keep_going off) ends at its first failure") {
        Fixture f;
        f.options.keep_going = false;
        f.queue({change("shop", "c1"), change("shop", "c2")});
        f.wire.answers = {answer(500)};
        CHECK(f.deliver().stop == pipeline::Stop::retry_later);
        CHECK(f.requested_ids() == std::vector<std::string>{"c1"});
        CHECK(f.record("shop", "c2").attempts == 0);
    }

    TEST_CASE("retries back off, doubling up to the maximum, with jitter") {
        Fixture f;
        f.queue({change("shop", "c1")});
        // initial 10, max 40: attempt n waits within [d/2, d], d = min(10 * 2^(n-1), 40).
        const std::vector<std::pair<long, long>> windows = {{5, 10}, {10, 20}, {20, 40}, {20, 40}};
        for (std::size_t attempt = 1; attempt <= windows.size(); ++attempt) {
            CAPTURE(attempt);
            f.make_all_due();
            f.wire.answers = {answer(503)};
            const auto [low, high] = windows[attempt - 1];
            CHECK(f.waits_between("c1", low, high));
            CHECK(f.record("shop", "c1").attempts == static_cast<std::int64_t>(attempt));
        }
    }

    TEST_CASE("a long Retry-After is the event's next attempt, capped") {
        const std::vector<std::tuple<std::string, long, long>> cases = {
            // value, lowest wait, highest wait (max_retry_after is 100)
            {"42", 42, 42},
            {"100000", 100, 100},
            {"soon", 5, 10},
        };
        for (const auto& [value, low, high] : cases) {
            CAPTURE(value);
            Fixture f;
            f.queue({change("shop", "c1")});
            f.wire.answers = {answer(429)};
            f.wire.answers[0]->retry_after = value;
            CHECK(f.waits_between("c1", low, high));
            if (low == high) {
                const auto note = f.box.note(pipeline::k_problem_note);
                CHECK(note.ends_with("; retrying in " + std::to_string(low) + "s"));
            }
        }
    }

    TEST_CASE("a short Retry-After pauses every request, then the event goes again") {
        Fixture f;
        f.queue({change("shop", "c1"), change("shop", "c2")});
        f.wire.answers = {answer(429), answer(200), answer(200)};
        f.wire.answers[0]->retry_after = "1";
        const auto start = std::chrono::steady_clock::now();
        const auto report = f.deliver();
        const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
        CHECK(report.stop == pipeline::Stop::drained);
        CHECK(report.throttled == 1);
        CHECK(report.delivered == 2);
        // Nothing, not even c2, went out before the second was over.
        CHECK(took.count() >= 0.95);
        CHECK(f.requested_ids().at(0) == "c1");
        CHECK(f.record("shop", "c1").attempts == 1);
        CHECK(f.box.note(pipeline::k_problem_note).empty());
    }

    TEST_CASE("a short Retry-After ends an explicit push, which does not wait") {
        Fixture f;
        f.options.keep_going = false;
        f.queue({change("shop", "c1")});
        f.wire.answers = {answer(429)};
        f.wire.answers[0]->retry_after = "0";
        CHECK(f.waits_between("c1", 1, 1));
    }

    TEST_CASE("another 4xx parks the one event with its answer and goes on") {
        for (const long status : {400L, 409L, 422L}) {
            CAPTURE(status);
            Fixture f;
            f.queue({change("shop", "c1"), change("shop", "c2")});
            f.wire.answers = {answer(status, "{\"error\":\"bad change\"}"), answer(200)};
            const auto report = f.deliver();
            CHECK(report.rejected == 1);
            CHECK(report.delivered == 1);
            CHECK(report.stop == pipeline::Stop::drained);
            const auto parked = f.record("shop", "c1");
            CHECK(parked.state == outbox::State::parked);
            CHECK(parked.last_status == status);
            CHECK(parked.attempts == 1);
            CHECK(parked.response == "{\"error\":\"bad change\"}");
            CHECK(parked.last_error == "POST http://127.0.0.1:9/v1/ingestion/cli: HTTP " +
                                           std::to_string(status) + ": {\"error\":\"bad change\"}");
            CHECK(f.record("shop", "c2").state == outbox::State::delivered);
        }
    }

    TEST_CASE("401, 403, 404 and 3xx stop the round with every event kept as it was") {
        for (const long status : {401L, 403L, 404L, 301L, 302L, 307L}) {
            CAPTURE(status);
            Fixture f;
            f.queue({change("shop", "c1"), change("shop", "c2"), change("tools", "t1")});
            f.wire.answers = {answer(status)};
            const auto report = f.deliver();
            CHECK(report.stop == pipeline::Stop::configuration);
            CHECK(report.delivered + report.rejected + report.retried == 0);
            CHECK(f.wire.requests.size() == 1);
            for (const auto& record : f.box.list()) {
                CHECK(record.state == outbox::State::queued);
                CHECK(record.attempts == 0);
                CHECK(record.next_attempt == 0);
                CHECK(record.last_error.empty());
            }
            const bool key_problem = status == 401 || status == 403;
            CHECK(report.problem.ends_with(key_problem ? " (check the API key)"
                                                       : " (check the base URL)"));
            CHECK(f.box.note(pipeline::k_problem_note) == report.problem);
        }
    }

    TEST_CASE("a base URL that cannot be used stops the round before any request") {
        Fixture f;
        f.options.base_url = "ftp://127.0.0.1/";
        f.queue({change("shop", "c1")});
        const auto report = f.deliver();
        CHECK(report.stop == pipeline::Stop::configuration);
        CHECK(f.wire.requests.empty());
        CHECK(report.problem.find("must use http or https") != std::string::npos);
        CHECK(f.record("shop", "c1").attempts == 0);
    }

    TEST_CASE("a waiting event holds up nothing else of its system") {
        Fixture f;
        f.queue({change("a", "a1"), change("a", "a2"), change("b", "b1")});
        f.wire.answers = {answer(500), answer(200), answer(200)};
        CHECK(f.deliver().stop == pipeline::Stop::retry_later);
        CHECK(f.requested_ids() == std::vector<std::string>{"a1", "a2", "b1"});
        CHECK(f.record("a", "a2").state == outbox::State::delivered);
        CHECK(f.record("a", "a1").state == outbox::State::queued);
        CHECK(f.box.due(model::now(), 10).empty());
    }

    TEST_CASE("a deployment waits while a change it lists is queued and unanswered") {
        Fixture f;
        f.queue({change("shop", "c1"), change("shop", "c2"), change("tools", "c1"),
                 deployment("shop", "v1", {"c1", "c2", "gone"}), change("shop", "c3")});
        SUBCASE("a listed change failed: the deployment stays queued for a later round") {
            f.wire.answers = {answer(200), answer(503), answer(200), answer(200)};
            const auto report = f.deliver();
            CHECK(report.held == 1);
            CHECK(report.stop == pipeline::Stop::retry_later);
            CHECK(f.requested_ids() == std::vector<std::string>{"c1", "c2", "c1", "c3"});
            const auto held = f.record("shop", "v1", "deployment");
            CHECK(held.state == outbox::State::queued);
            CHECK(held.attempts == 0);
            // Once the change is answered, the deployment follows it.
            f.make_all_due();
            f.wire.answers = {answer(200), answer(200)};
            CHECK(f.deliver().stop == pipeline::Stop::drained);
            CHECK(f.requested_ids() ==
                  std::vector<std::string>{"c1", "c2", "c1", "c3", "c2", "v1"});
        }
        SUBCASE("a listed change that was parked does not hold it") {
            f.wire.answers = {answer(200), answer(422), answer(200), answer(200), answer(200)};
            const auto report = f.deliver();
            CHECK(report.stop == pipeline::Stop::drained);
            CHECK(report.delivered == 4);
            CHECK(f.record("shop", "v1", "deployment").state == outbox::State::delivered);
        }
        SUBCASE("a change queued after the deployment is sent first, then the deployment") {
            f.wire.answers = {answer(200), answer(200), answer(200), answer(200), answer(200)};
            outbox::Database(f.box.path())
                .exec("UPDATE events SET seq = 100 WHERE id = 'c2' AND system = 'shop'");
            CHECK(f.deliver().stop == pipeline::Stop::drained);
            CHECK(f.requested_ids() == std::vector<std::string>{"c1", "c1", "c3", "c2", "v1"});
        }
    }

    TEST_CASE("max_events ends the round after that many answers") {
        Fixture f;
        f.options.max_events = 2;
        f.queue({change("shop", "c1"), change("shop", "c2"), change("shop", "c3")});
        f.wire.answers = {answer(422), answer(200)};
        const auto report = f.deliver();
        CHECK(report.stop == pipeline::Stop::interrupted);
        CHECK(report.rejected == 1);
        CHECK(report.delivered == 1);
        CHECK(f.wire.requests.size() == 2);
        CHECK(f.record("shop", "c3").state == outbox::State::queued);
    }

    TEST_CASE("the stop flag ends the round between events and reaches the transport") {
        Fixture f;
        f.queue({change("shop", "c1"), change("shop", "c2")});
        std::atomic<bool> stop{false};
        SUBCASE("set before the round: nothing is sent") {
            stop = true;
            CHECK(f.deliver(&stop).stop == pipeline::Stop::interrupted);
            CHECK(f.wire.requests.empty());
        }
        SUBCASE("set during a request: its answer is kept, the next is not sent") {
            f.wire.during_request = [&stop] { stop = true; };
            f.wire.answers = {answer(200)};
            const auto report = f.deliver(&stop);
            CHECK(report.stop == pipeline::Stop::interrupted);
            CHECK(report.delivered == 1);
            CHECK(report.abandoned == 0);
            CHECK(f.wire.requests.size() == 1);
            CHECK(f.record("shop", "c2").state == outbox::State::queued);
        }
        SUBCASE("a request unanswered after the grace time is abandoned, with no attempt") {
            f.options.delivery.stop_grace = 0;
            f.wire.during_request = [&stop] { stop = true; };
            f.wire.answers = {std::nullopt};
            const auto report = f.deliver(&stop);
            CHECK(report.stop == pipeline::Stop::interrupted);
            CHECK(report.abandoned == 1);
            const auto record = f.record("shop", "c1");
            CHECK(record.attempts == 0);
            CHECK(record.next_attempt == 0);
            CHECK(record.last_error.empty());
        }
    }

    TEST_CASE("the API key never reaches the outbox, plain or URL-encoded") {
        Fixture f;
        f.queue({change("shop", "c1"), change("tools", "t1")});
        f.wire.answers = {answer(422, "echo: api_key=" + k_key + " and " + "S3CRET%2FKEY"),
                          network_error("could not reach ?api_key=" + k_key_in_url)};
        const auto report = f.deliver();
        CHECK(report.rejected == 1);
        CHECK(report.retried == 1);
        for (const auto& record : f.box.list()) {
            for (const auto& text : {record.last_error, record.response}) {
                CAPTURE(text);
                CHECK(text.find("s3cret") == std::string::npos);
                CHECK(text.find("S3CRET") == std::string::npos);
            }
            CHECK(record.last_error.find("***") != std::string::npos);
        }
        CHECK(f.box.note(pipeline::k_problem_note).find("s3cret") == std::string::npos);
        CHECK(report.problem.find("s3cret") == std::string::npos);
    }

    TEST_CASE("the problem note is set by a failure and cleared by the next success") {
        Fixture f;
        f.queue({change("shop", "c1")});
        f.wire.answers = {answer(500, "down")};
        const auto failed = f.deliver();
        CHECK(f.box.note(pipeline::k_problem_note) == failed.problem);
        CHECK(failed.problem.starts_with("POST http://127.0.0.1:9/v1/ingestion/cli: HTTP 500: "
                                         "down; retrying in "));
        // A new courier (a later process) finds the note and clears it.
        f.make_all_due();
        f.wire.answers = {answer(200)};
        const auto delivered = f.deliver();
        CHECK(delivered.problem.empty());
        CHECK(f.box.note(pipeline::k_problem_note).empty());
    }

    TEST_CASE("a parked event leaves the problem note alone") {
        Fixture f;
        f.box.set_note(pipeline::k_problem_note, "earlier trouble");
        f.queue({change("shop", "c1")});
        f.wire.answers = {answer(422)};
        CHECK(f.deliver().rejected == 1);
        CHECK(f.box.note(pipeline::k_problem_note) == "earlier trouble");
    }
}
