#include "pipeline/event_source.hpp"

#include <iterator>

namespace pipeline {

namespace {

// How many queued events are read at a time.
constexpr std::size_t k_window = 256;

} // namespace

std::optional<outbox::Record> DueEvents::next() {
    if (m_window.empty() && !m_exhausted) {
        auto window = m_box.due(m_now, k_window, m_cursor);
        m_exhausted = window.size() < k_window;
        m_window.assign(std::make_move_iterator(window.begin()),
                        std::make_move_iterator(window.end()));
    }
    if (m_window.empty()) {
        return std::nullopt;
    }
    auto record = std::move(m_window.front());
    m_window.pop_front();
    m_cursor = record.seq;
    return record;
}

std::optional<outbox::Record> GivenRecords::next() {
    if (m_next == m_records.size()) {
        return std::nullopt;
    }
    return m_records[m_next++];
}

} // namespace pipeline
