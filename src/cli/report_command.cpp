#include "cli/report_command.hpp"

#include "cli/options.hpp"
#include "pipeline/report_input.hpp"
#include "report/accumulator.hpp"
#include "report/html.hpp"
#include "report/json.hpp"
#include "report/text.hpp"
#include "util/repository_glob.hpp"

#include <filesystem>
#include <fstream>
#include <iostream>

namespace cli {

namespace {

const char* const k_report_help = R"(Usage: pulse-agent report [--repo PATH]... [OPTIONS]

Work out the four DORA keys on this machine, from the events in the outbox
(queued, delivered or rejected alike: what was derived, not what was
acknowledged), or with --repo straight from repositories, derived in memory
with the rules of `pulse-agent backfill` and written nowhere. Per system,
then all systems together.

The keys, over the window (--since included, --until excluded; default: the
90 days ending now). Deployments and incidents belong to the window by their
own time_created:
  deployment frequency   deployments in the window / days in the window
                         (also per week)
  lead time for changes  median of (deployment time - change time) over each
                         change listed by a deployment in the window; also the
                         25th, 75th and 90th percentiles; a listed change with
                         no change event is skipped and counted
  change failure rate    deployments in the window with an incident charged to
                         them / deployments in the window. An incident is
                         charged to the last deployment of its system at or
                         before its time_created; with none before it, to none
                         (counted)
  time to restore        mean of (time_resolved - time_created) over the
                         window's incidents, and the median beside it
With no incident in the window, the failure rate and the time to restore
read "no incidents recorded", never 0%. Incidents come from `pulse-agent push
incident` and from reverts and rollbacks when a repository's `incidents`
setting asks for them; --repo derives those too.

Each key gets its band (elite, high, medium, low) from the 2021 Accelerate
State of DevOps report:
  deployment frequency   elite: at least daily; high: at least monthly;
                         medium: at least every 6 months; low: less often
  lead time (median)     elite: < 1 hour; high: <= 1 week;
                         medium: <= 6 months; low: longer
  change failure rate    elite: <= 15%; high: <= 30% (2021 gives high, medium
                         and low the same 16-30%); low: above 30%
  time to restore (mean) elite: < 1 hour; high: < 1 day; medium: <= 1 week;
                         low: longer
A figure in a gap between two of the report's bands gets the lower band
(report.md in the documentation tells more).

Examples:
  pulse-agent report
  pulse-agent report --repo shop.git --since 2024-01-01 --until 2024-04-01
  pulse-agent report --repo '/srv/git/*.git' --html /tmp/four-keys.html
  pulse-agent report --system shop --system billing --json | jq .total
)";

const char* const k_report_exit_codes = R"(Exit codes:
  0  done
  1  error (config, outbox, repository, writing the HTML file)
  2  wrong usage
)";

// The command line of a report.
struct ReportCommand {
    config::Overrides overrides;
    std::vector<std::string> repos;
    std::vector<std::string> systems;
    bool json = false;
    std::optional<std::string> html;
};

po::options_description describe_options(ReportCommand& c) {
    po::options_description options("Options");
    auto store = [](std::optional<std::string>& target) {
        return po::value<std::string>()->notifier(
            [&target](const std::string& value) { target = value; });
    };
    options.add_options()("help,h", "show this help")("config", store(c.overrides.config_path),
                                                      "config file (YAML)")(
        "outbox", store(c.overrides.outbox), "outbox file to read (default: the configured one)")(
        "repo", po::value<std::vector<std::string>>(&c.repos),
        "derive from this repository or glob instead of reading the outbox (repeatable)")(
        "since", po::value<std::string>(),
        "window start, included (YYYY-MM-DD, RFC 3339 or Unix seconds; default: until - 90 days)")(
        "until", po::value<std::string>(), "window end, excluded (default: now)")(
        "system", po::value<std::vector<std::string>>(&c.systems),
        "report on this system only (repeatable)")("json", po::bool_switch(&c.json),
                                                   "print one JSON document instead of tables")(
        "html", store(c.html), "also write the figures and charts to this HTML file");
    return options;
}

report::Window window_of(const po::variables_map& vm) {
    const auto until = time_option(vm, "until").value_or(model::now());
    auto window = report::default_window(until);
    window.since = time_option(vm, "since").value_or(window.since);
    if (window.since >= window.until) {
        throw UsageError("--since must come before --until");
    }
    return window;
}

// Return the repositories --repo names, globs expanded; what cannot be
// expanded is an error.
std::vector<std::string> repositories(const std::vector<std::string>& patterns) {
    std::vector<std::string> paths;
    for (const auto& pattern : patterns) {
        if (!util::is_glob(pattern)) {
            paths.push_back(pattern);
            continue;
        }
        const auto expansion = util::expand_pattern(pattern);
        if (!expansion.problems.empty()) {
            throw model::Failure(expansion.problems.front());
        }
        for (const auto& path : expansion.repositories) {
            paths.push_back(path.string());
        }
    }
    return paths;
}

void read_repositories(const ReportCommand& c, const config::Settings& settings,
                       report::Accumulator& accumulator) {
    const auto visit = [&accumulator](const model::Envelope& e) { accumulator.add(e); };
    for (const auto& path : repositories(c.repos)) {
        model::value_or_throw(pipeline::each_derived_event(settings.file, path, visit));
    }
}

void read_outbox(const config::Settings& settings, report::Accumulator& accumulator) {
    if (!std::filesystem::exists(settings.outbox)) {
        throw model::Failure("no outbox at '" + settings.outbox.string() +
                             "': run `pulse-agent backfill` first, or give --repo PATH");
    }
    auto box = model::value_or_throw(outbox::Outbox::open(settings.outbox));
    const auto unreadable = pipeline::each_stored_event(
        box, [&accumulator](const model::Envelope& e) { accumulator.add(e); });
    if (unreadable > 0) {
        std::cerr << "pulse-agent: note: " << unreadable
                  << " outbox events could not be read back and are left out\n";
    }
}

void write_html(const std::string& path, const report::Report& result) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << report::render_html(result);
    out.close();
    if (!out) {
        throw model::Failure("writing the HTML page '" + path + "' failed");
    }
    std::cerr << "pulse-agent: HTML page written to " << path << "\n";
}

} // namespace

int run_report(const std::vector<std::string>& args) {
    ReportCommand command;
    const auto options = describe_options(command);
    if (wants_help(args)) {
        std::cout << k_report_help << "\n" << options << "\n" << k_report_exit_codes;
        return k_exit_ok;
    }
    const auto vm = parse(args, options);
    if (!command.repos.empty() && command.overrides.outbox) {
        throw UsageError("--repo and --outbox exclude each other: --repo reads no outbox");
    }
    report::Accumulator accumulator(window_of(vm), command.systems);
    const auto settings = load_settings(command.overrides, config::KeyUse::skip);
    if (command.repos.empty()) {
        read_outbox(settings, accumulator);
    } else {
        read_repositories(command, settings, accumulator);
    }
    const auto result = accumulator.report();
    std::cout << (command.json ? report::render_json(result) : report::render_text(result))
              << std::flush;
    if (command.html) {
        write_html(*command.html, result);
    }
    return k_exit_ok;
}

} // namespace cli
