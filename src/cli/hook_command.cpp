#include "cli/hook_command.hpp"

#include "cli/options.hpp"
#include "hook/chained_hook.hpp"
#include "hook/detached_delivery.hpp"
#include "hook/hook_context.hpp"
#include "hook/post_receive.hpp"
#include "hook/pre_push.hpp"
#include "hook/shim.hpp"
#include "pipeline/recorder.hpp"
#include "util/input_bytes.hpp"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <iterator>
#include <sys/resource.h>
#include <unistd.h>

namespace cli {

namespace {

const char* const k_hook_help = R"(Usage: pulse-agent hook post-receive [--chain HOOK]
       pulse-agent hook pre-push [--chain HOOK] REMOTE URL
       pulse-agent hook deliver [--api-key-stdin]

Run as a git hook; `pulse-agent install-hooks` sets this up. Reads the push
from standard input as git writes it and records it in the outbox, durably;
the events are derived as derivation.md says (docs/derivation.md in the
source, /usr/share/doc/pulse-agent/derivation.md when installed):

  post-receive  (server) one change per commit first pushed to a tracked
                branch or release tag, timed at the push; one deployment per
                release tag created (or per update of the deploy branch).
                The hook only writes the push down, in a millisecond or two,
                and starts `hook deliver` detached, which derives the events
                (as the refs stood when the push landed) and delivers them.
  pre-push      (clone) one change per commit the remote does not have yet,
                timed at the start of the push; derived and queued at once.
  deliver       derive every recorded push, then deliver the outbox (with
                `hook.deliver: background` and an API key); prints notes, such
                as a moved release tag, and errors. `flush` and the daemon
                derive recorded pushes too, so none waits for the next push.
                With --api-key-stdin it reads the API key from standard input
                (as PULSE_API_KEY would give it): how a hook whose environment
                holds the key (a local push) hands it over without leaving it
                in the detached process's environment.

Recording reads only outbox, spool, system, hook, repositories and
trusted_owners from the config file, and never the API key (`hook deliver`
reads it when it delivers). A problem elsewhere in the file is ignored; one in
those keys takes the key's default (hook.deliver: none) and prints one warning
line, and the push is derived once the config is fixed. `pulse-agent config
check` lists every problem.

It never fails a push and never makes it wait: it always exits 0 (with
--chain, the chained hook's status) and does no network I/O itself.
post-receive prints nothing unless something went wrong (one line); pre-push
prints one summary line. With `hook.deliver: background` (the default) the
detached process delivers the queue; with `none` it only derives and the
daemon delivers.

  --chain HOOK  run HOOK first with the same input and arguments and exit with
                its status (pre-push: record nothing when it refuses the push)

Environment: PULSE_CONFIG, PULSE_API_KEY(_FILE), PULSE_BASE_URL, PULSE_OUTBOX
as for every command; PULSE_HOOK_QUIET=1 (or hook.quiet: true) silences
pre-push's line. GL_USERNAME / GITEA_PUSHER_NAME name the pusher (kept with
the recorded push; in pre-push's line).

Examples:
  # what the installed hooks run; try them by hand in a repository
  echo "$OLD $NEW refs/heads/main" | pulse-agent hook post-receive
  pulse-agent hook pre-push origin git@example.com:shop.git < lines
)";

// The hook's command line once its mode is known.
struct HookArgs {
    hook::HookKind kind;
    std::string chain;
    std::vector<std::string> rest;
};

HookArgs parse_args(hook::HookKind kind, const std::vector<std::string>& args) {
    HookArgs parsed{kind, {}, {}};
    auto it = args.begin() + 1;
    if (it != args.end() && *it == "--chain" && std::next(it) != args.end()) {
        parsed.chain = *std::next(it);
        it += 2;
    }
    parsed.rest.assign(it, args.end());
    return parsed;
}

// Record a post-receive push; a line only when its background processing
// could not start.
void record_received_push(const hook::HookContext& context, const config::Settings& settings,
                          std::string_view input, model::UnixSeconds start) {
    const auto record =
        model::value_or_throw(hook::record_post_receive(settings, context, input, start));
    if (!record.worker_problem.empty()) {
        std::cerr << "pulse-agent: this push was recorded, but " << record.worker_problem
                  << "; the daemon or `pulse-agent flush` will derive and deliver it\n";
    }
}

// Record the commits a pre-push sends and print the summary line.
void record_sent_commits(const HookArgs& args, const hook::HookContext& context,
                         const config::Settings& settings, std::string_view input,
                         model::UnixSeconds start) {
    const std::string remote = args.rest.empty() ? "" : args.rest[0];
    const auto outcome = model::value_or_throw(
        hook::record_pre_push(settings, context.git_dir, remote, input, start));
    const auto line = pipeline::summary_line(outcome.recorded, outcome.notes, context.pusher);
    if (line && !settings.file.hook.quiet && !context.quiet) {
        std::cerr << *line << "\n";
    }
}

// Say in one line that the config file has problems the hook took in stride.
void print_config_warnings(const std::vector<std::string>& warnings) {
    if (warnings.empty()) {
        return;
    }
    std::cerr << "pulse-agent: warning: " << warnings.front();
    if (warnings.size() > 1) {
        std::cerr << " (and " << warnings.size() - 1 << " more: `pulse-agent config check`)";
    }
    std::cerr << "\n";
}

// Record the push and print its one line at most (and one about the
// config file's problems); never throws.
void record_and_report(const HookArgs& args, std::string_view input, model::UnixSeconds start) {
    const auto context = hook::read_context();
    hook::clear_git_environment();
    try {
        // A problem in a key the hook does not use must not cost a push.
        auto loaded = cli::load_tolerant_settings({config::k_hook_keys, true});
        auto& settings = loaded.settings;
        for (auto& warning : config::anchor_for_hook(settings, std::getenv)) {
            loaded.warnings.push_back(std::move(warning));
        }
        print_config_warnings(loaded.warnings);
        if (args.kind == hook::HookKind::post_receive) {
            record_received_push(context, settings, input, start);
        } else {
            record_sent_commits(args, context, settings, input, start);
        }
    } catch (const std::exception& e) {
        std::cerr << "pulse-agent: error: this push was not recorded: " << e.what() << "\n";
    } catch (...) {
        std::cerr << "pulse-agent: error: this push was not recorded: unknown failure\n";
    }
}

int run_as_hook(const HookArgs& args) {
    const auto start = model::now();
    // A push of half a million refs is 50 MB, held once.
    const auto bytes = util::InputBytes::read_all(STDIN_FILENO);
    const auto input = bytes.view();
    int status = 0;
    if (!args.chain.empty()) {
        status = hook::run_chained_hook(args.chain, args.rest, input);
    }
    // A refused pre-push sends nothing, so there is nothing to record.
    if (args.kind == hook::HookKind::post_receive || status == 0) {
        record_and_report(args, input, start);
    }
    return status;
}

// Background work yields the CPU to the pushes it follows and the ones that
// come next (nice 19 weighs ~1.5% of a push's process), without starving on
// a busy server as SCHED_IDLE could.
constexpr int k_background_niceness = 19;

// Read the API key when this process will deliver; a key it cannot read
// leaves the events queued, and the push is derived all the same.
bool read_key_if_delivering(config::Settings& settings) {
    if (settings.file.hook.deliver != "background" || !settings.key_source.configured()) {
        return true;
    }
    try {
        cli::read_api_key(settings);
        return true;
    } catch (const std::exception& e) {
        std::cerr << "pulse-agent: error: " << e.what() << "\n";
        return false;
    }
}

// Take the API key a hook handed over on standard input, trailing line ends
// dropped, in place of PULSE_API_KEY.
void take_handed_key() {
    const auto handed = util::InputBytes::read_all(STDIN_FILENO);
    auto key = handed.view();
    while (!key.empty() && (key.back() == '\n' || key.back() == '\r')) {
        key.remove_suffix(1);
    }
    cli::use_handed_api_key(std::string(key));
}

int run_delivery(const std::vector<std::string>& args) {
    if (args.size() > 2 || (args.size() == 2 && args[1] != hook::k_key_on_stdin_flag)) {
        std::cerr << "pulse-agent: error: hook deliver takes only " << hook::k_key_on_stdin_flag
                  << " (see `pulse-agent hook --help`)\n";
        return k_exit_usage;
    }
    ::setpriority(PRIO_PROCESS, 0, k_background_niceness);
    hook::clear_git_environment();
    if (args.size() == 2) {
        take_handed_key();
    }
    try {
        // What it derives and sends must be as configured: no fallbacks.
        auto settings = cli::load_tolerant_settings({config::k_hook_delivery_keys, false}).settings;
        config::anchor_for_hook(settings, std::getenv);
        const bool key_read = read_key_if_delivering(settings);
        return hook::deliver_in_background(settings) && key_read ? k_exit_ok : k_exit_error;
    } catch (const std::exception&) {
        return k_exit_error;
    }
}

} // namespace

int run_hook(const std::vector<std::string>& args) {
    // `hook deliver --help` must teach, not deliver (nor create an outbox).
    const auto asks_help = [](const std::string& arg) { return arg == "--help" || arg == "-h"; };
    if (args.empty() || asks_help(args[0]) || (args.size() > 1 && asks_help(args[1]))) {
        std::cout << k_hook_help;
        return 0;
    }
    if (args[0] == "deliver") {
        return run_delivery(args);
    }
    // A hook's output goes to a client that may hang up; that must not stop us.
    std::signal(SIGPIPE, SIG_IGN);
    const auto kind = hook::parse_hook_name(args[0]);
    if (!kind) {
        std::cerr << "pulse-agent: error: unknown hook '" << args[0]
                  << "' (post-receive or pre-push); nothing recorded\n";
        return 0;
    }
    return run_as_hook(parse_args(*kind, args));
}

} // namespace cli
