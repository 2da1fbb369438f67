#include "cli/git_deployment.hpp"

#include "cli/ci_environment.hpp"
#include "cli/go_grammar.hpp"
#include "cli/options.hpp"
#include "cli/queue_report.hpp"
#include "derive/git_deployment.hpp"
#include "git/repository.hpp"
#include "pipeline/repository_history.hpp"

#include <iostream>
#include <sstream>

namespace cli {

namespace {

const char* const k_git_deployment_help =
    R"help(Usage: pulse-agent push git deployment --previous-deployment-ref REF --identifier ID
           --timestamp UNIX [OPTIONS] [PATH...]

The Go CLI's git helper, same flags: one change event per commit in REF..HEAD
(reachable from HEAD, not from REF), timed by its author date (scripts rely on
it; --change-time committer for the commit date), then one deployment ID at
the given time listing them, newest first as `git log` lists them. With
PATHs (relative to --directory, as the Go CLI reads them), only commits that
change something under them count (a monorepo's service folder), as
`git log REF..HEAD -- PATH` lists them. Events are derived from the
repository, so their source is always "git" (--source is accepted and
ignored, as by the Go CLI).
Everything goes through the outbox: an event whose (system, type, id) was
queued before (by a hook, the daemon or a backfill) is not queued again.

Examples:
  PULSE_API_KEY=... pulse-agent push git deployment --previous-deployment-ref v1.3.0 \
      --identifier v1.4.0 --timestamp "$(date +%s)"
  pulse-agent push git deployment --previous-deployment-ref "$LAST_SHA" --identifier "$SHA" \
      --timestamp 1700000000 --teams web,api --directory /src/monorepo services/billing
  pulse-agent push git deployment --previous-deployment-ref HEAD~5 --identifier test \
      --timestamp 1700000000 --dry-run
)help";

// The command line of `push git deployment`.
struct GitDeploymentCommand {
    config::Overrides overrides;
    po::options_description options{"Options"};
    po::positional_options_description positional;
    bool dry_run = false;
};

void describe_options(GitDeploymentCommand& c) {
    add_common_options(c.options, c.overrides);
    c.options.add_options()("help,h", "show this help")(
        "previous-deployment-ref", po::value<std::string>()->required(),
        "what the previous deployment shipped (tag, branch or commit)")(
        "identifier", po::value<std::string>()->required(),
        "the deployment's id")("timestamp", po::value<std::string>()->required(),
                               "the deployment's time (Unix seconds or RFC 3339)")(
        "teams", po::value<std::vector<std::string>>(),
        "teams, one CSV record (a,b); repeat to add more")(
        "directory", po::value<std::string>()->default_value("."),
        "the repository (or a folder inside its work tree)")(
        "system", po::value<std::string>(), "the system the events are filed under")(
        "source", po::value<std::string>(), "accepted and ignored: the source is git")(
        "change-time", po::value<std::string>()->default_value("author"),
        "time of changes: author (the Go CLI's) or committer")(
        "dry-run", po::bool_switch(&c.dry_run), "print the JSON bodies instead of queueing them")(
        "paths", po::value<std::vector<std::string>>(), "only commits changing these paths");
    c.positional.add("paths", -1);
}

// Make paths given relative to --directory relative to the work tree's top,
// as `git -C DIRECTORY log -- PATH` reads them.
std::vector<std::string> repository_paths(const std::vector<std::string>& paths,
                                          const std::string& directory,
                                          const git::Repository& repo) {
    const auto top = repo.work_tree();
    std::error_code ec;
    const auto base = std::filesystem::absolute(directory, ec);
    std::vector<std::string> result;
    for (const auto& path : paths) {
        const auto absolute = (base / path).lexically_normal();
        const auto relative = top ? absolute.lexically_relative(*top) : std::filesystem::path();
        const bool inside = !relative.empty() && *relative.begin() != "..";
        result.push_back(inside ? relative.generic_string() : path);
    }
    return result;
}

// Return the deployment the command line describes, over the repository's commits.
derive::GitDeployment describe_deployment(const po::variables_map& vm, model::UnixSeconds time,
                                          git::Repository& repo) {
    derive::GitDeployment deployment;
    deployment.id = vm["identifier"].as<std::string>();
    deployment.time = time;
    if (vm.count("teams")) {
        deployment.teams = parse_teams(vm["teams"].as<std::vector<std::string>>());
    }
    deployment.head = model::value_or_throw(repo.resolve_commit("HEAD"));
    auto previous = repo.resolve_commit(vm["previous-deployment-ref"].as<std::string>());
    if (!previous) {
        throw model::Failure("--previous-deployment-ref: " + previous.error().message);
    }
    deployment.previous = *previous;
    const bool author = vm["change-time"].as<std::string>() == "author";
    deployment.change_time = author ? derive::ChangeTime::author : derive::ChangeTime::committer;
    return deployment;
}

std::vector<model::Event> derive_events(const po::variables_map& vm) {
    const auto change_time = vm["change-time"].as<std::string>();
    if (change_time != "author" && change_time != "committer") {
        throw UsageError("--change-time '" + change_time + "': expected author or committer");
    }
    const auto time = parse_event_time("timestamp", vm["timestamp"].as<std::string>());
    const auto directory = vm["directory"].as<std::string>();
    auto repo = model::value_or_throw(git::Repository::discover(directory));
    auto deployment = describe_deployment(vm, time, repo);
    if (vm.count("paths")) {
        deployment.touches =
            [&repo,
             paths = repository_paths(vm["paths"].as<std::vector<std::string>>(), directory, repo)](
                const std::string& commit) { return repo.touches(commit, paths); };
    }
    pipeline::RepositoryHistory history(repo);
    return model::value_or_throw(derive::git_deployment(deployment, history)).events;
}

} // namespace

int run_git_deployment(const std::vector<std::string>& args) {
    GitDeploymentCommand command;
    describe_options(command);
    if (wants_help(args)) {
        std::cout << k_git_deployment_help << "\n" << command.options << "\n" << k_exit_codes_help;
        return k_exit_ok;
    }
    const auto vm = parse_go(args, command.options, &command.positional, {"teams", "paths"});
    if (vm.count("system")) {
        command.overrides.system = vm["system"].as<std::string>();
    }
    const auto events = derive_events(vm);
    if (command.dry_run) {
        for (const auto& event : events) {
            std::cout << model::to_json(event) << "\n";
        }
        return k_exit_ok;
    }
    const auto settings = load_settings(command.overrides, config::KeyUse::read);
    std::vector<model::Envelope> envelopes;
    for (const auto& event : events) {
        envelopes.push_back(model::Envelope{settings.system, ci_environment(), event});
    }
    return queue_and_report(settings, envelopes);
}

} // namespace cli
