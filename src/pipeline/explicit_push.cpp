#include "pipeline/explicit_push.hpp"

#include "outbox/files.hpp"
#include "pipeline/delivery.hpp"
#include "sender/http_client.hpp"
#include "util/file_lock.hpp"

#include <set>

namespace pipeline {

namespace {

outbox::Key key_of(const model::Envelope& e) {
    return {e.system, std::string(model::type_name(model::type_of(e.event))),
            model::id_of(e.event)};
}

// Whether an arrival is sent now.
bool to_send(Arrival arrival) {
    return arrival != Arrival::delivered_before && arrival != Arrival::parked_before;
}

// Compare a known event's stored body with the pushed one and queue it again
// when that is called for.
Arrival meet(outbox::Outbox& box, const model::Envelope& e, bool resend) {
    const auto key = key_of(e);
    const auto stored = box.find(key.system, key.type, key.id);
    if (!stored) {
        return Arrival::requeued;
    }
    const auto body = model::to_json(e.event);
    // A pruned event keeps no body (and no environment) to compare with.
    const bool pruned = stored->state == outbox::State::delivered && stored->environment.empty();
    if (!pruned && stored->body != body) {
        box.requeue(stored->seq, e.environment, body);
        return Arrival::updated;
    }
    if (stored->state == outbox::State::queued) {
        return Arrival::requeued;
    }
    if (resend) {
        box.requeue(stored->seq, e.environment, body);
        return Arrival::resent;
    }
    return stored->state == outbox::State::delivered ? Arrival::delivered_before
                                                     : Arrival::parked_before;
}

// The keys to send now, in order: each deployment's listed changes first.
std::vector<std::vector<outbox::Key>> sending_order(std::span<const model::Envelope> events,
                                                    const std::vector<Arrival>& arrivals) {
    std::vector<std::vector<outbox::Key>> groups;
    for (std::size_t i = 0; i < events.size(); ++i) {
        if (!to_send(arrivals[i])) {
            continue;
        }
        if (const auto* d = std::get_if<model::Deployment>(&events[i].event)) {
            std::vector<outbox::Key> changes;
            for (const auto& id : d->changes) {
                changes.push_back({events[i].system, "change", id});
            }
            groups.push_back(std::move(changes));
        }
        groups.push_back({key_of(events[i])});
    }
    return groups;
}

// The queued records of the keys, group by group, each once.
std::vector<outbox::Record> records_to_send(outbox::Outbox& box,
                                            const std::vector<std::vector<outbox::Key>>& groups) {
    std::vector<outbox::Record> records;
    std::set<std::int64_t> seen;
    for (const auto& group : groups) {
        for (auto& record : box.queued_among(group)) {
            if (seen.insert(record.seq).second) {
                records.push_back(std::move(record));
            }
        }
    }
    return records;
}

// Deliver the keys under the delivery lock; the reason when no round ran.
std::string deliver_keys(const config::Settings& settings, outbox::Outbox& box,
                         const std::vector<std::vector<outbox::Key>>& groups, Handover& handover) {
    if (!settings.api_key) {
        return "no API key configured";
    }
    const auto lock = util::FileLock::acquire(outbox::delivery_lock_path(settings.outbox),
                                              delivery_lock_patience(settings));
    if (!lock) {
        return lock.error().held ? "another pulse-agent process kept delivering this outbox"
                                 : lock.error().message;
    }
    const auto records = records_to_send(box, groups);
    auto options = courier_options(settings);
    // A push says at once what became of its events: it ends at the first failure.
    options.keep_going = false;
    Courier courier(box, options);
    handover.round = courier.deliver_records(records);
    return "";
}

} // namespace

model::Expected<outbox::Outbox> open_push_outbox(const config::Settings& settings) {
    if (auto ready = outbox_folder_ready(settings); !ready) {
        return std::unexpected(ready.error());
    }
    try {
        return outbox::Outbox::open(settings.outbox);
    } catch (const std::exception& e) {
        return model::fail(e.what());
    }
}

Handover push_and_deliver(const config::Settings& settings, outbox::Outbox& box,
                          std::span<const model::Envelope> events, bool resend) {
    const auto queued = box.enqueue(events);
    Handover handover;
    for (std::size_t i = 0; i < events.size(); ++i) {
        handover.arrivals.push_back(queued.inserted[i] ? Arrival::inserted
                                                       : meet(box, events[i], resend));
    }
    const auto groups = sending_order(events, handover.arrivals);
    if (!groups.empty()) {
        handover.no_round = deliver_keys(settings, box, groups, handover);
    }
    for (const auto& e : events) {
        const auto key = key_of(e);
        handover.records.push_back(box.find(key.system, key.type, key.id));
    }
    return handover;
}

std::vector<std::optional<Attempt>> send_directly(const config::Settings& settings,
                                                  std::span<const model::Envelope> events) {
    const auto options = courier_options(settings);
    sender::HttpClient client(options.limits, 1);
    std::vector<std::optional<Attempt>> attempts(events.size());
    for (std::size_t i = 0; i < events.size(); ++i) {
        attempts[i] = send_once(client, options, events[i].system, events[i].environment,
                                model::to_json(events[i].event));
        const auto outcome = attempts[i]->outcome;
        if (outcome == Outcome::retry || outcome == Outcome::configuration) {
            break;
        }
    }
    return attempts;
}

} // namespace pipeline
