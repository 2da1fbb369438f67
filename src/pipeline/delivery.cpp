#include "pipeline/delivery.hpp"

#include "outbox/files.hpp"
#include "util/file_lock.hpp"

namespace pipeline {

CourierOptions courier_options(const config::Settings& settings) {
    CourierOptions options;
    options.base_url = settings.base_url;
    options.api_key = settings.api_key.value_or("");
    options.limits = settings.file.timeouts;
    options.retry = settings.file.retry;
    return options;
}

outbox::Outbox open_outbox(const config::Settings& settings) {
    return model::value_or_throw(outbox::Outbox::open(settings.outbox));
}

std::chrono::milliseconds delivery_lock_patience(const config::Settings& settings) {
    constexpr std::chrono::seconds k_margin{5};
    return std::chrono::seconds(settings.file.timeouts.total) + k_margin;
}

std::optional<Report> deliver_due(const config::Settings& settings, outbox::Outbox& box,
                                  std::chrono::milliseconds lock_wait) {
    if (!settings.api_key) {
        return std::nullopt;
    }
    const auto lock =
        util::FileLock::acquire(outbox::delivery_lock_path(settings.outbox), lock_wait);
    if (!lock) {
        return std::nullopt;
    }
    Courier courier(box, courier_options(settings));
    return courier.deliver();
}

Handover queue_and_deliver(const config::Settings& settings,
                           std::span<const model::Envelope> events) {
    auto box = open_outbox(settings);
    auto queued = box.enqueue(events);
    Handover handover;
    if (queued.queued > 0) {
        const auto wait = delivery_lock_patience(settings);
        handover.round = deliver_due(settings, box, wait);
    }
    for (const auto& e : events) {
        handover.records.push_back(
            box.find(e.system, model::type_name(model::type_of(e.event)), model::id_of(e.event)));
    }
    handover.inserted = std::move(queued.inserted);
    return handover;
}

} // namespace pipeline
