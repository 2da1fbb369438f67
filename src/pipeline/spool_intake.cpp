#include "pipeline/spool_intake.hpp"

#include "derive/hook_input.hpp"
#include "spool/record.hpp"
#include "spool/spool.hpp"

#include <sys/stat.h>
#include <unistd.h>

namespace pipeline {

namespace {

// Temporaries older than this were left by a hook that died mid-record.
constexpr std::chrono::hours k_dead_temporary_age{1};

// Check that the record's writer may speak for its repository.
model::Expected<void> check_writer(const spool::Entry& entry, const spool::PushRecord& record) {
    if (entry.writer == 0 || entry.writer == ::geteuid()) {
        return {};
    }
    struct stat info {};
    if (::stat(record.git_dir.c_str(), &info) != 0) {
        return model::fail("its repository '" + record.git_dir + "' cannot be checked");
    }
    if (info.st_uid != entry.writer) {
        return model::fail("user " + std::to_string(entry.writer) + " wrote it for '" +
                           record.git_dir + "', which user " + std::to_string(info.st_uid) +
                           " owns");
    }
    return {};
}

// Read a record and check that its writer may speak for its repository; the
// push's time is the hook's unless it is implausible for when the file landed.
model::Expected<spool::PushRecord> read_record(const spool::Spool& folder,
                                               const spool::Entry& entry) {
    const auto name = "spooled push '" + (folder.folder() / entry.name).string() + "'";
    TRY_ASSIGN(const auto bytes, folder.read(entry, spool::k_max_record_bytes));
    auto decoded = spool::decode(bytes);
    if (!decoded) {
        return model::fail(name + " is unreadable: " + decoded.error().message);
    }
    if (auto parsed = derive::parse_post_receive(decoded->updates); !parsed) {
        return model::fail(name + " has bad ref updates: " + parsed.error().message);
    }
    if (auto trusted = check_writer(entry, *decoded); !trusted) {
        return model::fail(name + " is not trusted: " + trusted.error().message);
    }
    const bool plausible = decoded->pushed_at <= entry.landed &&
                           decoded->pushed_at >= entry.landed - k_spool_clock_slack;
    if (!plausible) {
        decoded->pushed_at = entry.landed;
    }
    return decoded;
}

// Move one record into the outbox: a push to derive, or pre-push's changes.
void take(outbox::Outbox& box, const spool::Entry& entry, const spool::PushRecord& record) {
    if (record.changes.empty()) {
        outbox::RecordedPush push;
        push.git_dir = record.git_dir;
        push.updates = record.updates;
        push.pushed_at = record.pushed_at;
        push.pusher = record.pusher;
        push.spool_id = entry.name;
        box.pushes().record(push);
        return;
    }
    // Queued as the hook would have queued them; a key queued before stays.
    std::vector<model::Envelope> envelopes;
    for (const auto& change : record.changes) {
        envelopes.push_back(
            {record.system, record.environment, model::Change{change.id, change.time}});
    }
    box.enqueue(envelopes);
}

} // namespace

IntakeReport take_spooled_pushes(const config::Settings& settings, outbox::Outbox& box) {
    IntakeReport report;
    std::error_code ec;
    if (!std::filesystem::is_directory(settings.spool, ec)) {
        return report;
    }
    const spool::Spool folder(settings.spool);
    folder.sweep(k_dead_temporary_age);
    auto entries = folder.pending();
    if (!entries) {
        report.problems.push_back(entries.error().message);
        return report;
    }
    for (const auto& entry : *entries) {
        const auto record = read_record(folder, entry);
        if (!record) {
            report.problems.push_back(record.error().message + "; set aside as '" + entry.name +
                                      ".bad'");
            (void)folder.set_aside(entry);
            continue;
        }
        take(box, entry, *record);
        ++report.taken;
        if (auto removed = folder.remove(entry); !removed) {
            report.problems.push_back(removed.error().message);
        }
    }
    return report;
}

bool spool_is_private(const config::Settings& settings) {
    return settings.spool == settings.outbox.parent_path() / "spool";
}

} // namespace pipeline
