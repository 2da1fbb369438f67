#include "outbox/first_load.hpp"

#include "outbox/history_load.hpp"

#include <algorithm>
#include <vector>

namespace outbox {

std::optional<EnqueueResult> create_with_events(const std::filesystem::path& path,
                                                std::string_view system,
                                                std::string_view environment,
                                                std::span<const model::Event> events,
                                                const EnqueueProgress& progress) {
    auto load = HistoryLoad::create(path, system, environment, progress);
    if (!load) {
        return std::nullopt;
    }
    load->expect(events.size());
    constexpr std::size_t k_chunk = 4096;
    std::vector<model::Event> chunk;
    for (std::size_t begin = 0; begin < events.size(); begin += k_chunk) {
        const auto end = std::min(begin + k_chunk, events.size());
        chunk.assign(events.begin() + static_cast<std::ptrdiff_t>(begin),
                     events.begin() + static_cast<std::ptrdiff_t>(end));
        load->add(chunk);
    }
    return load->finish();
}

} // namespace outbox
