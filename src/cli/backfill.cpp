#include "cli/backfill.hpp"

#include "cli/options.hpp"
#include "cli/progress.hpp"
#include "pipeline/backfill.hpp"
#include "pipeline/delivery.hpp"
#include "pipeline/repository_settings.hpp"
#include "util/repository_glob.hpp"

#include <cstdio>
#include <future>
#include <iostream>
#include <optional>
#include <span>

namespace cli {

namespace {

const char* const k_backfill_help = R"(Usage: pulse-agent backfill [--repo PATH]... [OPTIONS]

Derive every change and deployment of repositories' history, exactly as the
hooks and the daemon would have reported them:
one change per commit reachable from tracked branches and release tags, timed
by its committer date; with the tags strategy one deployment per release tag,
listing the commits no earlier release shipped; with the branch strategy one
deployment per commit on the deploy branch's first-parent line. Events are
queued in the outbox, one transaction per repository, and delivered when an
API key is configured. Re-running queues nothing new: every (system, type, id)
is queued once, so a backfill never duplicates what hooks or the daemon sent.

Without --repo, every repository of the config file is backfilled (globs
such as /srv/git/**/*.git expand as for `pulse-agent watch`). A
repository's settings come from the flags below, else its entry in the config
file, else its git config (pulse.system, pulse.strategy, pulse.tagPattern,
pulse.deployBranch, pulse.branches, pulse.incidents), else the defaults.

With --incidents reverts, a revert commit (git revert's "This reverts commit
X.") is an incident when X reached users in one deployment and the revert in
a later one: created at the first deployment's time, resolved at the
second's. Reading commit messages makes the walk read every commit.

Examples:
  pulse-agent backfill --repo /srv/git/shop.git --dry-run | head
  pulse-agent backfill --repo . --since 2024-01-01 --system shop
  pulse-agent backfill --repo /srv/git/app.git --strategy branch --branch production
  pulse-agent backfill --repo . --incidents reverts --dry-run | grep incident_id
  pulse-agent backfill --repo . --tag-pattern '^release-[0-9]+$' --branches main --branches 'release/*'
  PULSE_API_KEY=... pulse-agent backfill --config /etc/pulse-agent/config.yaml
)";

// The command line of a backfill.
struct BackfillCommand {
    config::Overrides overrides;
    pipeline::RepositoryOverrides repository;
    std::vector<std::string> repos;
    derive::BackfillOptions options;
    bool dry_run = false;
};

po::options_description describe_options(BackfillCommand& c) {
    po::options_description options("Options");
    add_common_options(options, c.overrides);
    auto store = [](std::optional<std::string>& target) {
        return po::value<std::string>()->notifier(
            [&target](const std::string& value) { target = value; });
    };
    options.add_options()("help,h", "show this help")(
        "repo", po::value<std::vector<std::string>>(&c.repos),
        "repository to backfill, bare or not (repeatable; default: the config's repositories)")(
        "system", store(c.repository.system), "system the events are filed under")(
        "strategy", store(c.repository.strategy), "deployments from: tags (default), branch, none")(
        "tag-pattern", store(c.repository.tag_pattern),
        "release tag regex (default: SemVer releases, optional v, no pre-release)")(
        "branch", store(c.repository.deploy_branch),
        "deploy branch of the branch strategy (default main)")(
        "branches", po::value<std::vector<std::string>>()->notifier([&c](const auto& globs) {
            c.repository.branches = globs;
        }),
        "tracked branch glob (repeatable; default: every branch)")(
        "incidents", po::value<std::vector<std::string>>()->notifier([&c](const auto& sources) {
            c.repository.incidents = sources;
        }),
        "incidents derived from Git: reverts (repeatable; default: none)")(
        "since", po::value<std::string>(),
        "emit events at or after this time (date, RFC 3339 or Unix seconds)")(
        "until", po::value<std::string>(), "emit events before this time")(
        "change-time", po::value<std::string>()->default_value("committer"),
        "time of changes: committer or author")(
        "dry-run", po::bool_switch(&c.dry_run),
        "print the JSON bodies on stdout instead of queueing them");
    return options;
}

void read_options(const po::variables_map& vm, BackfillCommand& c) {
    c.options.since = time_option(vm, "since");
    c.options.until = time_option(vm, "until");
    const auto change_time = vm["change-time"].as<std::string>();
    if (change_time != "committer" && change_time != "author") {
        throw UsageError("--change-time '" + change_time + "': expected committer or author");
    }
    c.options.change_time =
        change_time == "author" ? derive::ChangeTime::author : derive::ChangeTime::committer;
    if (c.repository.incidents) {
        if (auto parsed = derive::parse_incident_sources(*c.repository.incidents); !parsed) {
            throw UsageError("--incidents: " + parsed.error().message);
        }
    }
    if (c.repository.strategy) {
        if (auto parsed = derive::parse_strategy(*c.repository.strategy); !parsed) {
            throw UsageError("--strategy: " + parsed.error().message);
        }
    }
}

// Return the callbacks that show a backfill's progress on `progress`.
pipeline::BackfillProgress shown_on(Progress& progress) {
    return {[&progress](const std::string& label, std::optional<std::size_t> total) {
                progress.phase(label, total);
            },
            [&progress](std::size_t done) { progress.update(done); }};
}

// Prints a backfill's events as JSON lines, in order, as they are derived:
// each chunk is serialized on a second thread while the one before it is
// written (serializing is most of a dry run's time).
class PrintSink : public derive::EventSink {
public:
    explicit PrintSink(Progress& progress) : m_progress(progress) {}
    PrintSink(const PrintSink&) = delete;
    PrintSink& operator=(const PrintSink&) = delete;
    ~PrintSink() override { finish(); }

    // The walk is over: clear its progress line before the events are printed.
    void expect(std::size_t) override { m_progress.clear(); }

    void take(std::vector<model::Event>& events) override {
        auto next = std::async(std::launch::async, [chunk = std::move(events)] {
            std::string text;
            for (const auto& event : chunk) {
                text += model::to_json(event);
                text += '\n';
            }
            return text;
        });
        write_pending();
        m_pending = std::move(next);
    }

    // Write what is still being serialized, and flush.
    void finish() {
        write_pending();
        std::fflush(stdout);
    }

private:
    void write_pending() {
        if (m_pending.valid()) {
            const auto text = m_pending.get();
            std::fwrite(text.data(), 1, text.size(), stdout);
        }
    }

    Progress& m_progress;
    std::future<std::string> m_pending;
};

std::string plural(std::size_t n, const std::string& word) {
    return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

std::string summary_line(const pipeline::BackfilledRepository& run, const std::string& outcome) {
    const auto& s = run.derived.summary;
    std::string line =
        "pulse-agent: backfill of '" + run.path + "' (system '" + run.system +
        "'): " + plural(s.commits, "commit") + ", " + plural(s.changes, "change") + ", " +
        plural(s.deployments, "deployment") +
        (s.incidents > 0 || s.reverts_unresolved > 0 ? ", " + plural(s.incidents, "incident")
                                                     : "") +
        "; " + outcome;
    if (s.tags_not_release + s.tags_not_commit > 0) {
        line += "; tags skipped: " + std::to_string(s.tags_not_release) +
                " not matching the release pattern, " + std::to_string(s.tags_not_commit) +
                " not on a commit";
    }
    if (s.outside_window > 0) {
        line += "; " + plural(s.outside_window, "event") + " outside --since/--until";
    }
    return line;
}

void print_notes(const pipeline::BackfilledRepository& run) {
    for (const auto& note : run.derived.summary.notes) {
        std::cerr << "pulse-agent: note: '" << run.path << "': " << note << "\n";
    }
}

// Deliver what is due when an API key is set; return the exit code it earns.
int deliver(const config::Settings& settings, outbox::Outbox& box, std::size_t queued) {
    if (!settings.api_key) {
        if (queued > 0) {
            std::cerr << "pulse-agent: no API key configured: events stay queued until "
                         "`pulse-agent flush` or the daemon delivers them\n";
            return k_exit_queued;
        }
        return k_exit_ok;
    }
    const auto report =
        pipeline::deliver_due(settings, box, pipeline::delivery_lock_patience(settings));
    if (!report) {
        std::cerr << "pulse-agent: another delivery is running; it will deliver these events\n";
        return k_exit_queued;
    }
    std::cerr << "pulse-agent: delivered " << report->delivered << ", parked " << report->rejected
              << (report->problem.empty() ? "" : "; " + report->problem) << "\n";
    if (report->stop == pipeline::Stop::configuration) {
        return k_exit_refused;
    }
    if (report->rejected > 0) {
        return k_exit_rejected;
    }
    return report->stop == pipeline::Stop::drained ? k_exit_ok : k_exit_queued;
}

// Return the repositories to backfill: --repo, else the config file's, each
// glob expanded as the daemon expands it; what cannot be expanded is an error.
std::vector<std::string> repositories(const BackfillCommand& c, const config::Settings& settings,
                                      int& worst) {
    std::vector<std::string> patterns = c.repos;
    if (patterns.empty()) {
        for (const auto& entry : settings.file.repositories) {
            patterns.push_back(entry.path);
        }
    }
    if (patterns.empty()) {
        throw UsageError("no repository: give --repo PATH, or list repositories in the config "
                         "file");
    }
    std::vector<std::string> paths;
    for (const auto& pattern : patterns) {
        if (!util::is_glob(pattern)) {
            paths.push_back(pattern);
            continue;
        }
        const auto expansion = util::expand_pattern(pattern);
        for (const auto& problem : expansion.problems) {
            std::cerr << "pulse-agent: error: " << problem << "\n";
            worst = k_exit_error;
        }
        for (const auto& path : expansion.repositories) {
            paths.push_back(path.string());
        }
    }
    return paths;
}

// Backfill one repository, or print its events for a dry run; add what it
// newly queued to `queued`. Return false when it failed (reported).
bool backfill_one(const pipeline::BackfillRequest& request, bool dry_run,
                  const config::Settings& settings, std::optional<outbox::Outbox>& box,
                  Progress& progress, std::size_t& queued) {
    if (dry_run) {
        PrintSink printed(progress);
        auto run = pipeline::derive_history(settings.file, request, shown_on(progress), printed);
        printed.finish();
        progress.clear();
        if (!run) {
            std::cerr << "pulse-agent: error: " << run.error().message << "\n";
            return false;
        }
        const auto dropped = pipeline::drop_history(*run);
        print_notes(*run);
        std::cerr << summary_line(*run, "dry run, nothing queued") << "\n";
        return true;
    }
    auto queued_run =
        pipeline::queue_history(settings.outbox, box, settings.file, request, shown_on(progress));
    progress.clear();
    if (!queued_run) {
        std::cerr << "pulse-agent: error: " << queued_run.error().message << "\n";
        return false;
    }
    const auto dropped = pipeline::drop_history(queued_run->run);
    print_notes(queued_run->run);
    const auto& result = queued_run->result;
    queued += result.queued;
    std::cerr << summary_line(queued_run->run, std::to_string(result.queued) + " new, " +
                                                   std::to_string(result.duplicates) +
                                                   " already queued")
              << "\n";
    return true;
}

// Backfill every repository; a failing one is reported and the others go on.
int backfill_all(const BackfillCommand& c, const config::Settings& settings) {
    Progress progress;
    std::optional<outbox::Outbox> box;
    std::size_t queued = 0;
    int worst = k_exit_ok;
    for (const auto& path : repositories(c, settings, worst)) {
        try {
            if (!backfill_one({path, c.repository, c.options}, c.dry_run, settings, box, progress,
                              queued)) {
                worst = k_exit_error;
            }
        } catch (const model::Failure& e) {
            progress.clear();
            std::cerr << "pulse-agent: error: " << e.what() << "\n";
            worst = k_exit_error;
        }
    }
    if (box) {
        // A repository that failed outweighs events merely waiting for delivery.
        const int delivered = deliver(settings, *box, queued);
        worst = worst == k_exit_error ? worst : std::max(worst, delivered);
    }
    return worst;
}

} // namespace

int run_backfill(const std::vector<std::string>& args) {
    BackfillCommand command;
    const auto options = describe_options(command);
    if (wants_help(args)) {
        std::cout << k_backfill_help << "\n" << options << "\n" << k_exit_codes_help;
        return k_exit_ok;
    }
    const auto vm = parse(args, options);
    read_options(vm, command);
    const auto settings = load_settings(command.overrides, command.dry_run ? config::KeyUse::skip
                                                                           : config::KeyUse::read);
    if (auto ready = pipeline::outbox_folder_ready(settings); !ready) {
        throw model::Failure(ready.error());
    }
    return backfill_all(command, settings);
}

} // namespace cli
