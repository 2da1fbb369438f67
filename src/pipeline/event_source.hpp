#pragma once

#include "outbox/outbox.hpp"

#include <deque>
#include <optional>
#include <span>

namespace pipeline {

// Where a delivery round takes the events to send from.
class EventSource {
public:
    virtual ~EventSource() = default;
    // Return the next event to send, if any is left.
    virtual std::optional<outbox::Record> next() = 0;
};

// The outbox's events due at a time, in queue order, read a window at a time
// so that memory stays flat however long the queue.
class DueEvents : public EventSource {
public:
    // Read the events of `box` due at `now`.
    DueEvents(outbox::Outbox& box, model::UnixSeconds now) : m_box(box), m_now(now) {}
    // Return the next due event, reading the next window when one is used up.
    std::optional<outbox::Record> next() override;

private:
    outbox::Outbox& m_box;
    model::UnixSeconds m_now;
    std::int64_t m_cursor = 0;
    bool m_exhausted = false;
    std::deque<outbox::Record> m_window;
};

// Records the caller chose, in its order.
class GivenRecords : public EventSource {
public:
    // Hand out `records`, which must outlive this.
    explicit GivenRecords(std::span<const outbox::Record> records) : m_records(records) {}
    // Return the next record.
    std::optional<outbox::Record> next() override;

private:
    std::span<const outbox::Record> m_records;
    std::size_t m_next = 0;
};

} // namespace pipeline
