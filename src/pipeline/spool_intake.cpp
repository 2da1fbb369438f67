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

model::Expected<outbox::RecordedPush> read_record(const spool::Spool& folder,
                                                  const spool::Entry& entry) {
    TRY_ASSIGN(const auto bytes, folder.read(entry, spool::k_max_record_bytes));
    auto decoded = spool::decode(bytes);
    if (!decoded) {
        return model::fail("spooled push '" + (folder.folder() / entry.name).string() +
                           "' is unreadable: " + decoded.error().message);
    }
    if (auto parsed = derive::parse_post_receive(decoded->updates); !parsed) {
        return model::fail("spooled push '" + (folder.folder() / entry.name).string() +
                           "' has bad ref updates: " + parsed.error().message);
    }
    if (auto trusted = check_writer(entry, *decoded); !trusted) {
        return model::fail("spooled push '" + (folder.folder() / entry.name).string() +
                           "' is not trusted: " + trusted.error().message);
    }
    const bool plausible = decoded->pushed_at <= entry.landed &&
                           decoded->pushed_at >= entry.landed - k_spool_clock_slack;
    outbox::RecordedPush push;
    push.git_dir = decoded->git_dir;
    push.updates = decoded->updates;
    push.pushed_at = plausible ? decoded->pushed_at : entry.landed;
    push.pusher = decoded->pusher;
    push.spool_id = entry.name;
    return push;
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
        auto push = read_record(folder, entry);
        if (!push) {
            report.problems.push_back(push.error().message + "; set aside as '" + entry.name +
                                      ".bad'");
            (void)folder.set_aside(entry);
            continue;
        }
        box.pushes().record(*push);
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
