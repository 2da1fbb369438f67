#include "outbox/outbox.hpp"

// The writes that must commit together: events with the state they were
// derived from, so that a crash between the two never loses nor repeats one.
namespace outbox {

namespace {

// SQLite's default 2 MB page cache spills a 100k-event transaction to the
// WAL page by page, again and again; 16 MB halves the system time.
constexpr const char* k_history_cache = "PRAGMA cache_size = -16384";

} // namespace

EnqueueResult Outbox::enqueue_history(std::string_view system, std::string_view environment,
                                      std::span<const model::Event> events,
                                      const EnqueueProgress& progress) {
    m_db.exec(k_history_cache);
    Transaction tx(m_db);
    auto result = enqueue(system, environment, events, tx, progress);
    tx.commit();
    return result;
}

EnqueueResult Outbox::commit_poll(const SnapshotUpdate& snapshot,
                                  std::span<const model::Envelope> events) {
    Transaction tx(m_db);
    auto result = enqueue(events, tx);
    repositories().save(snapshot, tx);
    tx.commit();
    return result;
}

void Outbox::record_polls(std::span<const PollMark> polls) {
    Transaction tx(m_db);
    repositories().mark_polls(polls, tx);
    tx.commit();
}

EnqueueResult Outbox::commit_derived_push(std::int64_t seq, const std::string& notes,
                                          std::span<const model::Envelope> events) {
    Transaction tx(m_db);
    auto result = enqueue(events, tx);
    pushes().mark_derived(seq, notes, tx);
    tx.commit();
    return result;
}

void Outbox::wait_briefly_for_writers(std::chrono::milliseconds patience) {
    m_db.wait_busy_briefly(patience);
}

} // namespace outbox
