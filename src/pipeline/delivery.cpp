#include "pipeline/delivery.hpp"

#include "outbox/files.hpp"
#include "util/file_lock.hpp"

#include <cstdlib>

namespace pipeline {

namespace {

// The note that holds when the outbox was last pruned.
constexpr const char* k_pruned_note = "pruned_at";

// How often prune_now_and_then() prunes.
constexpr model::UnixSeconds k_prune_interval = 3600;

constexpr model::UnixSeconds k_day = 24 * 3600;

} // namespace

CourierOptions courier_options(const config::Settings& settings) {
    CourierOptions options;
    options.base_url = settings.base_url;
    options.api_key = settings.api_key.value_or("");
    options.limits = settings.file.timeouts;
    options.retry = settings.file.retry;
    options.delivery = settings.file.delivery;
    options.retention_days = settings.file.retention.delivered_days;
    return options;
}

model::Expected<void> outbox_folder_ready(const config::Settings& settings) {
    const auto folder = settings.outbox.parent_path();
    std::error_code ec;
    if (folder.empty() || std::filesystem::is_directory(folder, ec)) {
        return {};
    }
    const auto getenv = [](const char* name) -> const char* { return std::getenv(name); };
    if (folder == config::default_outbox_path(getenv).parent_path()) {
        return {};
    }
    return model::fail("the outbox's folder '" + folder.string() +
                       "' does not exist: create it, or name another outbox (--outbox, "
                       "PULSE_OUTBOX or outbox: in the config file)");
}

outbox::Outbox open_outbox(const config::Settings& settings) {
    if (auto ready = outbox_folder_ready(settings); !ready) {
        throw model::Failure(ready.error());
    }
    return model::value_or_throw(outbox::Outbox::open(settings.outbox));
}

outbox::Outbox open_outbox_to_read(const config::Settings& settings) {
    return model::value_or_throw(outbox::Outbox::open_read_only(settings.outbox));
}

outbox::Pruned prune_outbox(outbox::Outbox& box, long delivered_days) {
    const auto now = model::now();
    auto pruned = box.prune(now - delivered_days * k_day);
    box.set_note(k_pruned_note, std::to_string(now));
    return pruned;
}

model::Expected<void> prune_now_and_then(outbox::Outbox& box, long delivered_days) {
    try {
        const auto last = box.note(k_pruned_note);
        if (!last.empty() && model::now() - std::stoll(last) < k_prune_interval) {
            return {};
        }
        prune_outbox(box, delivered_days);
        return {};
    } catch (const std::exception& e) {
        return model::fail(std::string("pruning the outbox: ") + e.what());
    }
}

std::chrono::milliseconds delivery_lock_patience(const config::Settings& settings) {
    constexpr std::chrono::seconds k_margin{5};
    return std::chrono::seconds(settings.file.timeouts.total) + k_margin;
}

std::optional<Report> deliver_due(const config::Settings& settings, outbox::Outbox& box,
                                  std::chrono::milliseconds lock_wait, bool ignore_backoff,
                                  const std::atomic<bool>* stop) {
    if (!settings.api_key) {
        return std::nullopt;
    }
    const auto lock =
        util::FileLock::acquire(outbox::delivery_lock_path(settings.outbox), lock_wait);
    if (!lock) {
        return std::nullopt;
    }
    auto options = courier_options(settings);
    options.ignore_backoff = ignore_backoff;
    Courier courier(box, options);
    return courier.deliver(stop);
}

} // namespace pipeline
