#include "hook/post_receive.hpp"

#include "derive/hook_input.hpp"
#include "hook/detached_delivery.hpp"
#include "outbox/outbox.hpp"
#include "outbox/push_queue.hpp"
#include "pipeline/recorder.hpp"
#include "pipeline/spool_intake.hpp"
#include "spool/record.hpp"
#include "spool/spool.hpp"

#include <filesystem>

namespace hook {

namespace {

// Check, with two stats and no libgit2, that git_dir is a repository at all
// (a hook run by hand in the wrong folder): what git itself looks for.
model::Expected<void> check_repository(const std::filesystem::path& git_dir) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(git_dir / "HEAD", ec) ||
        !std::filesystem::is_directory(git_dir / "objects", ec)) {
        return model::fail("opening repository '" + git_dir.string() +
                           "': not a git repository (no HEAD file and objects folder)");
    }
    return {};
}

// Drop the push in the spool, its updates written straight from `updates`;
// the single-user layout's folder beside the outbox is made on first use, a
// configured one never is.
model::Expected<void> spool_push(const config::Settings& settings, const spool::PushRecord& record,
                                 std::string_view updates) {
    if (pipeline::spool_is_private(settings)) {
        TRY(spool::create_private_folder(settings.spool));
    }
    TRY(spool::Spool(settings.spool).drop([&](const spool::Put& put) {
        spool::encode(record, updates, put);
    }));
    return {};
}

// The fallback when the spool cannot take the push: the outbox itself.
model::Expected<void> record_in_outbox(const config::Settings& settings,
                                       const spool::PushRecord& record, std::string_view updates) {
    try {
        auto box = model::value_or_throw(outbox::Outbox::open(settings.outbox));
        box.wait_briefly_for_writers(pipeline::k_outbox_patience);
        outbox::RecordedPush push;
        push.git_dir = record.git_dir;
        push.pushed_at = record.pushed_at;
        push.pusher = record.pusher;
        box.pushes().record(push, updates);
    } catch (const model::Failure& e) {
        return model::fail(e.what());
    }
    return {};
}

model::Expected<void> record_push(const config::Settings& settings, const HookContext& context,
                                  std::string_view updates, model::UnixSeconds now) {
    // The record's fields but its updates, which are never copied into it.
    const spool::PushRecord record{.git_dir = context.git_dir.string(),
                                   .updates = {},
                                   .pushed_at = now,
                                   .pusher = context.pusher,
                                   .changes = {},
                                   .system = "",
                                   .environment = ""};
    if (!spool::fits(record, updates)) {
        // Whoever owns the outbox would refuse it from the spool (half a
        // million refs and more): the outbox itself takes any size.
        if (auto kept = record_in_outbox(settings, record, updates); !kept) {
            return model::fail("its " + std::to_string(updates.size() >> 20) +
                               " MB of ref updates are more than the spool takes (" +
                               std::to_string(spool::k_max_record_bytes >> 20) +
                               " MB), and the outbox: " + kept.error().message +
                               "; `pulse-agent backfill --repo " + record.git_dir +
                               "` queues its events");
        }
        return {};
    }
    auto spooled = spool_push(settings, record, updates);
    if (spooled) {
        return {};
    }
    if (auto kept = record_in_outbox(settings, record, updates); !kept) {
        return model::fail(spooled.error().message + "; and the outbox: " + kept.error().message);
    }
    return {};
}

} // namespace

model::Expected<PushRecord> record_post_receive(const config::Settings& settings,
                                                const HookContext& context, std::string_view input,
                                                model::UnixSeconds now) {
    std::string storage;
    TRY_ASSIGN(const auto updates, derive::branch_and_tag_lines(input, storage));
    if (updates.empty()) {
        return PushRecord{};
    }
    TRY(check_repository(context.git_dir));
    TRY(record_push(settings, context, updates, now));
    PushRecord record{.recorded = true, .worker_problem = {}};
    if (settings.file.hook.deliver == "service") {
        return record;
    }
    if (auto started = start_detached_delivery(); !started) {
        record.worker_problem = started.error().message;
    }
    return record;
}

} // namespace hook
