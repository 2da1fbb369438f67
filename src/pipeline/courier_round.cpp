#include "pipeline/courier_round.hpp"

#include "sender/backoff.hpp"

#include <limits>
#include <thread>

namespace pipeline {

namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

// A time after every next attempt: due() at it returns every queued event.
constexpr model::UnixSeconds k_every_attempt = std::numeric_limits<model::UnixSeconds>::max();
// The longest pause a round waits out; a longer one ends the round.
constexpr auto k_longest_wait = 30s;
// Failures in a row, with no success between, that say the API is down.
constexpr std::size_t k_failures_to_stop = 3;
// How long one wait for answers lasts before the stop flag is looked at.
constexpr auto k_wait_step = 100ms;
// How many deployments may wait for their changes' answers at once.
constexpr std::size_t k_most_held = 1024;

// Return the key under which a round knows a change: system and id.
std::string change_key(const std::string& system, const std::string& id) {
    return system + '\n' + id;
}

// Return whether an answer asks to slow down rather than blames the event.
bool back_pressure(const sender::HttpResponse& response) {
    return response.status == 429 || response.status == 503 || response.status == 408 ||
           (response.status == 0 && response.timed_out);
}

} // namespace

Report Courier::Round::run(bool honour_pause) {
    if (honour_pause && paused() &&
        (!m_options.keep_going || m_courier.m_paused_until - Clock::now() > k_longest_wait)) {
        m_report.stop = Stop::retry_later;
        m_report.problem = m_courier.m_outbox.note(k_problem_note);
        return m_report;
    }
    if (!honour_pause) {
        m_courier.m_paused_until = {};
    }
    for (;;) {
        if (!m_ending && m_stop && m_stop->load()) {
            end(Stop::interrupted);
            m_grace_end = Clock::now() + std::chrono::seconds(m_options.delivery.stop_grace);
        }
        fill();
        if (m_in_flight.empty()) {
            if (m_ending || !look_again()) {
                break;
            }
            continue;
        }
        for (auto& answer : m_courier.m_transport->wait(k_wait_step)) {
            take(std::move(answer));
        }
        if (m_ending == Stop::interrupted && Clock::now() >= m_grace_end && !m_in_flight.empty()) {
            // The grace time is over: what is still in flight stays queued.
            m_report.abandoned = m_courier.m_transport->abandon().size();
            m_in_flight.clear();
            break;
        }
    }
    return finish();
}

bool Courier::Round::look_again() {
    if (!m_throttled.empty() || !m_ready.empty() || (!m_source_done && paused())) {
        if (!wait_out_pause()) {
            end(Stop::retry_later);
        }
        return true;
    }
    if (!m_held.empty()) {
        // Nothing in flight can free them any more: look again.
        for (auto& held : m_held) {
            m_ready.push_back(std::move(held.record));
        }
        m_held.clear();
        return true;
    }
    if (!m_skipped.empty() && m_progress) {
        // Changes were answered since these deployments were left: look again.
        m_ready.insert(m_ready.end(), std::make_move_iterator(m_skipped.begin()),
                       std::make_move_iterator(m_skipped.end()));
        m_report.held -= m_skipped.size();
        m_skipped.clear();
        m_progress = false;
        return true;
    }
    return false;
}

Report Courier::Round::finish() {
    // Events to send again after a pause the round did not wait out: their
    // next attempt is when the pause ends.
    const auto resume = model::now() + std::chrono::duration_cast<std::chrono::seconds>(
                                           m_courier.m_paused_until - Clock::now())
                                           .count();
    for (const auto& record : m_throttled) {
        if (m_ending != Stop::interrupted) {
            m_courier.m_outbox.mark_retry(record.seq, record.last_status, record.last_error,
                                          resume);
            ++m_report.retried;
        }
    }
    m_report.stop = m_ending.value_or(m_report.retried > 0 || m_report.held > 0 ? Stop::retry_later
                                                                                : Stop::drained);
    m_report.concurrency = m_courier.m_limit.current();
    m_report.round_trip =
        std::chrono::duration_cast<std::chrono::milliseconds>(m_courier.m_limit.round_trip());
    if (m_report.delivered > 0) {
        m_courier.m_outbox.set_note(k_pace_note, std::to_string(m_report.concurrency) + " " +
                                                     std::to_string(m_report.round_trip.count()) +
                                                     " " + std::to_string(model::now()));
    }
    return m_report;
}

void Courier::Round::fill() {
    while (!m_ending && !paused() && m_in_flight.size() < m_courier.m_limit.current()) {
        if (m_options.max_events &&
            m_report.delivered + m_report.rejected + m_in_flight.size() >= m_options.max_events) {
            if (m_in_flight.empty()) {
                end(Stop::interrupted);
            }
            return;
        }
        auto record = next_event();
        if (!record) {
            return;
        }
        if (record->type == "deployment" && !may_send(*record)) {
            continue;
        }
        start(std::move(*record));
    }
}

std::optional<outbox::Record> Courier::Round::next_event() {
    for (auto* queue : {&m_ready, &m_throttled}) {
        if (!queue->empty()) {
            auto record = std::move(queue->front());
            queue->pop_front();
            return record;
        }
    }
    if (m_source_done || m_held.size() >= k_most_held) {
        return std::nullopt;
    }
    auto record = m_source.next();
    m_source_done = !record;
    return record;
}

bool Courier::Round::may_send(const outbox::Record& record) {
    std::vector<std::string> waiting_on;
    for (const auto& id : m_courier.m_outbox.queued_changes_of(record.seq)) {
        auto key = change_key(record.system, id);
        const auto pending = m_pending_changes.find(key);
        if (pending == m_pending_changes.end() || pending->second == 0) {
            // Queued, but failed or not due in this round: the deployment waits for a later one.
            m_skipped.push_back(record);
            ++m_report.held;
            return false;
        }
        waiting_on.push_back(std::move(key));
    }
    if (waiting_on.empty()) {
        return true;
    }
    m_held.push_back({record, std::move(waiting_on)});
    return false;
}

void Courier::Round::start(outbox::Record record) {
    auto request = event_request(m_options, record.system, record.environment, record.body);
    if (!request) {
        note_problem(request.error().message);
        end(Stop::configuration);
        return;
    }
    const auto tag = m_next_tag++;
    request->tag = tag;
    if (record.type == "change") {
        ++m_pending_changes[change_key(record.system, record.id)];
    }
    m_courier.m_transport->start(*request);
    m_requests.emplace(tag, std::move(*request));
    m_in_flight.emplace(tag, std::move(record));
    m_courier.m_limit.note_in_flight(m_in_flight.size());
}

void Courier::Round::take(sender::Answer answer) {
    const auto found = m_in_flight.find(answer.tag);
    if (found == m_in_flight.end()) {
        return;
    }
    auto record = std::move(found->second);
    m_in_flight.erase(found);
    const auto request = m_requests.extract(answer.tag);
    const auto attempt = judge(m_options, request.mapped(), std::move(answer.response));
    const auto& response = attempt.response;
    const auto now = Clock::now();
    auto& limit = m_courier.m_limit;
    auto& box = m_courier.m_outbox;
    if (back_pressure(response)) {
        limit.on_back_pressure(now);
    } else if (response.status != 0) {
        limit.on_answer(answer.took, now);
    }
    if (m_options.observe) {
        m_options.observe(
            {response.status, std::chrono::duration<double>(answer.took).count(), limit.current()});
    }
    switch (attempt.outcome) {
    case Outcome::delivered:
        box.mark_delivered(record.seq, response.status, model::now());
        ++m_report.delivered;
        m_failures_in_row = 0;
        m_courier.m_outages = 0;
        note_problem("");
        break;
    case Outcome::rejected:
        // Redacted here too: whatever the transport, the key never reaches the outbox.
        box.mark_parked(record.seq, response.status, attempt.problem,
                        sender::redact(response.body, m_options.api_key));
        ++m_report.rejected;
        m_failures_in_row = 0;
        break;
    case Outcome::configuration:
        note_problem(attempt.problem);
        end(Stop::configuration);
        break;
    case Outcome::retry:
        if (throttle(record, attempt, now)) {
            return;
        }
        retry_or_park(record, response, attempt.problem);
        break;
    }
    settle(record);
}

bool Courier::Round::throttle(outbox::Record& record, const Attempt& attempt,
                              Clock::time_point now) {
    const auto& response = attempt.response;
    if (!response.retry_after) {
        return false;
    }
    const auto retry_after = sender::parse_retry_after(*response.retry_after, model::now());
    if (!retry_after) {
        return false;
    }
    const auto pause = sender::retry_delay(m_options.retry, 1, retry_after, 0);
    m_courier.m_paused_until =
        std::max(m_courier.m_paused_until, now + std::chrono::seconds(pause));
    if (!m_options.keep_going || !back_pressure(response) ||
        std::chrono::seconds(pause) > k_longest_wait) {
        return false;
    }
    // Sent again once the pause is over; still pending for its deployment
    // (start() counts it in flight again).
    if (record.type == "change") {
        --m_pending_changes[change_key(record.system, record.id)];
    }
    record.last_status = response.status;
    record.last_error = attempt.problem;
    m_throttled.push_back(std::move(record));
    ++m_report.throttled;
    note_problem(attempt.problem + "; pausing " + std::to_string(pause) + "s");
    return true;
}

void Courier::Round::retry_or_park(const outbox::Record& record,
                                   const sender::HttpResponse& response,
                                   const std::string& problem) {
    auto& box = m_courier.m_outbox;
    const auto now = model::now();
    // Only an event the API keeps answering with failures is poison; one that
    // reaches no API at all waits for the network however long that takes.
    if (response.status != 0 && record.failing_since &&
        now - *record.failing_since >= m_options.retry.max_age) {
        box.mark_parked(record.seq, response.status,
                        problem + "; parked after failing since " +
                            model::format_rfc3339(*record.failing_since) + " (retry.max_age)",
                        sender::redact(response.body, m_options.api_key));
        ++m_report.rejected;
        return;
    }
    std::optional<long> retry_after;
    if (response.retry_after) {
        retry_after = sender::parse_retry_after(*response.retry_after, now);
    }
    const long delay = sender::retry_delay(m_options.retry, record.attempts + 1, retry_after,
                                           sender::unit_random());
    const std::optional<long> status =
        response.status ? std::optional<long>(response.status) : std::nullopt;
    box.mark_retry(record.seq, status, problem, now + delay);
    ++m_report.retried;
    m_report.unreachable = !status;
    note_problem(problem + "; retrying in " + std::to_string(delay) + "s");
    ++m_failures_in_row;
    if (!m_options.keep_going || m_failures_in_row >= k_failures_to_stop) {
        // The API is down, or this is a push that ends at its first failure:
        // the next round waits out a backoff of its own.
        if (m_options.keep_going) {
            const long outage = sender::retry_delay(m_options.retry, ++m_courier.m_outages,
                                                    std::nullopt, sender::unit_random());
            m_courier.m_paused_until =
                std::max(m_courier.m_paused_until, Clock::now() + std::chrono::seconds(outage));
            m_courier.m_limit.restart();
        }
        end(Stop::retry_later);
    }
}

void Courier::Round::settle(const outbox::Record& record) {
    m_progress = true;
    if (record.type != "change") {
        return;
    }
    const auto key = change_key(record.system, record.id);
    const auto pending = m_pending_changes.find(key);
    if (pending == m_pending_changes.end() || --pending->second > 0) {
        return;
    }
    m_pending_changes.erase(pending);
    for (auto held = m_held.begin(); held != m_held.end();) {
        std::erase(held->waiting_on, key);
        if (held->waiting_on.empty()) {
            // May go, unless the change failed: may_send() looks again.
            m_ready.push_back(std::move(held->record));
            held = m_held.erase(held);
        } else {
            ++held;
        }
    }
}

bool Courier::Round::wait_out_pause() {
    const auto until = m_courier.m_paused_until;
    if (!m_options.keep_going || until - Clock::now() > k_longest_wait) {
        return false;
    }
    while (Clock::now() < until) {
        if (m_stop && m_stop->load()) {
            return false;
        }
        std::this_thread::sleep_for(std::min<Clock::duration>(k_wait_step, until - Clock::now()));
    }
    return true;
}

void Courier::Round::note_problem(std::string problem) {
    if (!problem.empty() || m_courier.m_problem_noted) {
        m_courier.m_outbox.set_note(k_problem_note, problem);
        m_courier.m_problem_noted = !problem.empty();
    }
    m_report.problem = std::move(problem);
}

void Courier::Round::end(Stop why) {
    if (!m_ending) {
        m_ending = why;
    }
}

Report Courier::deliver(const std::atomic<bool>* stop_flag) {
    DueEvents source(m_outbox, m_options.ignore_backoff ? k_every_attempt : model::now());
    return Round(*this, source, stop_flag).run(!m_options.ignore_backoff);
}

Report Courier::deliver_records(std::span<const outbox::Record> records) {
    GivenRecords source(records);
    return Round(*this, source, nullptr).run(false);
}

} // namespace pipeline
