#include "cli/push.hpp"

#include "cli/ci_environment.hpp"
#include "cli/git_deployment.hpp"
#include "cli/go_grammar.hpp"
#include "cli/options.hpp"
#include "cli/queue_report.hpp"

#include <iostream>
#include <sstream>

namespace cli {

namespace {

const char* const k_push_help = R"(Usage: pulse-agent push change|deployment|incident [OPTIONS]
       pulse-agent push git deployment [OPTIONS] [PATH...]

Send one event to the Pulse ingestion API, exactly like the Go pulse-event-cli
(same flags, same requests). The event is first written to the local outbox,
durably, then delivered at once, even when an earlier run queued it (and
nothing else queued); if the API cannot be reached it stays queued and a
re-run, `pulse-agent flush` or the daemon delivers it. A body that differs
from the one queued or delivered under the same (system, type, id) replaces
it and is sent; the same body delivered before is not sent again unless
--resend. Without a writable outbox the event is sent directly, once.

Examples:
  PULSE_API_KEY=... pulse-agent push change --identifier 3f2c... --timestamp 1700000000
  pulse-agent push deployment --identifier v1.4.0 --timestamp 1700000000 \
      --teams web,api --system shop 3f2c... 9ab1...
  pulse-agent push incident --identifier INC-42 --timestampCreated 1700000000 \
      --timestampResolved 1700003600
  pulse-agent push change --identifier abc --timestamp 1700000000 --dry-run
)";

// Flags of `push` that take no value, for hoist_flags.
const std::vector<std::string> k_push_switches = {"dry-run", "help", "h", "resend"};

model::UnixSeconds time_value(const po::variables_map& vm, const char* name) {
    return parse_event_time(name, vm[name].as<std::string>());
}

struct PushOptions {
    config::Overrides overrides;
    po::options_description options{"Options"};
    po::positional_options_description positional;
    bool dry_run = false;
    bool resend = false;
};

void add_time_options(PushOptions& p, const std::string& kind) {
    if (kind == "incident") {
        p.options.add_options()("timestampCreated", po::value<std::string>()->required(),
                                "when the incident started (Unix seconds or RFC 3339)")(
            "timestampResolved", po::value<std::string>()->required(),
            "when it was resolved (Unix seconds or RFC 3339)");
        return;
    }
    p.options.add_options()("timestamp", po::value<std::string>()->required(),
                            "the event's time (Unix seconds or RFC 3339)");
}

void add_push_options(PushOptions& p, const std::string& kind) {
    add_common_options(p.options, p.overrides);
    p.options.add_options()("help,h", "show this help")(
        "identifier", po::value<std::string>()->required(), "the event's id")(
        "source", po::value<std::string>()->default_value("cli"), "the event's source")(
        "system", po::value<std::string>(), "the system the event is filed under")(
        "dry-run", po::bool_switch(&p.dry_run), "print the JSON body instead of queueing it")(
        "resend", po::bool_switch(&p.resend), "send the event even if it was delivered before");
    add_time_options(p, kind);
    if (kind == "change") {
        p.options.add_options()("event_type", po::value<std::string>()->default_value("commit"),
                                "the change's event type");
    }
    if (kind == "deployment") {
        p.options.add_options()("teams", po::value<std::vector<std::string>>(),
                                "teams, one CSV record (a,b); repeat to add more")(
            "changes", po::value<std::vector<std::string>>()->multitoken(),
            "change ids shipped (also as plain arguments)");
        p.positional.add("changes", -1);
        return;
    }
    // The Go CLI ignores words after the flags (often an unquoted empty $VAR).
    p.options.add_options()("ignored", po::value<std::vector<std::string>>(),
                            "words after the flags: ignored, with a warning");
    p.positional.add("ignored", -1);
}

model::Event build_event(const std::string& kind, const po::variables_map& vm) {
    const auto id = vm["identifier"].as<std::string>();
    const auto source = vm["source"].as<std::string>();
    if (kind == "change") {
        return model::Change{id, time_value(vm, "timestamp"), source,
                             vm["event_type"].as<std::string>()};
    }
    if (kind == "incident") {
        return model::Incident{id, time_value(vm, "timestampCreated"),
                               time_value(vm, "timestampResolved"), source};
    }
    model::Deployment d{id, time_value(vm, "timestamp"), {}, {}, source};
    if (vm.count("changes")) {
        d.changes = vm["changes"].as<std::vector<std::string>>();
    }
    if (vm.count("teams")) {
        d.teams = parse_teams(vm["teams"].as<std::vector<std::string>>());
    }
    return d;
}

int push_event(const std::string& kind, const std::vector<std::string>& args) {
    PushOptions p;
    add_push_options(p, kind);
    if (wants_help(args)) {
        std::cout << k_push_help << "\n" << p.options << "\n" << k_exit_codes_help;
        return k_exit_ok;
    }
    const auto vm = parse_go(args, p.options, &p.positional, {"teams", "changes"});
    if (vm.count("ignored")) {
        for (const auto& word : vm["ignored"].as<std::vector<std::string>>()) {
            std::cerr << "pulse-agent: warning: ignoring the extra argument '" << word << "'\n";
        }
    }
    if (vm.count("system")) {
        p.overrides.system = vm["system"].as<std::string>();
    }
    const auto settings =
        load_settings(p.overrides, p.dry_run ? config::KeyUse::skip : config::KeyUse::read);
    const model::Envelope envelope{settings.system, ci_environment(), build_event(kind, vm)};
    if (p.dry_run) {
        std::cout << model::to_json(envelope.event) << "\n";
        return k_exit_ok;
    }
    return queue_and_report(settings, std::span(&envelope, 1), p.resend);
}

} // namespace

int run_push(const std::vector<std::string>& args) {
    if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
        std::cout << k_push_help << "\n" << k_exit_codes_help;
        return args.empty() ? k_exit_usage : k_exit_ok;
    }
    const auto words = hoist_flags(args, k_push_switches);
    const std::vector<std::string> rest(words.begin() + 1, words.end());
    if (words[0] == "change" || words[0] == "deployment" || words[0] == "incident") {
        return push_event(words[0], rest);
    }
    if (words[0] == "git") {
        const auto git_words = hoist_flags(rest, k_push_switches);
        if (git_words.empty() || git_words[0] != "deployment") {
            throw UsageError("expected `push git deployment`");
        }
        return run_git_deployment(std::vector<std::string>(git_words.begin() + 1, git_words.end()));
    }
    throw UsageError("unknown event type '" + words[0] +
                     "' (expected change, deployment, incident or git deployment)");
}

} // namespace cli
