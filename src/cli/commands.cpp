#include "cli/commands.hpp"

#include "cli/backfill.hpp"
#include "cli/config_command.hpp"
#include "cli/hook_command.hpp"
#include "cli/install_hooks.hpp"
#include "cli/logging.hpp"
#include "cli/options.hpp"
#include "cli/outbox_commands.hpp"
#include "cli/push.hpp"
#include "cli/report_command.hpp"
#include "cli/status_command.hpp"
#include "cli/version_command.hpp"
#include "cli/watch_command.hpp"

#include <cstdlib>
#include <functional>
#include <iostream>
#include <map>

namespace cli {

namespace {

const char* const k_usage = R"(Usage: pulse-agent COMMAND [OPTIONS]

Report DORA delivery events (changes, deployments, incidents) straight from Git
to the Pulse ingestion API, through a durable local outbox.

Commands:
  push change|deployment|incident   send one event (drop-in for pulse-event-cli)
  push git deployment               a deployment of REF..HEAD and its changes
  backfill                          derive every event from a repository's history
  flush                             deliver queued events that are due
  outbox [list]                     show what is queued, delivered, parked
  outbox check|recover|backup       check, salvage or copy the outbox
  outbox retry|drop|prune           queue parked events again, drop them, prune
  report                            the four DORA keys, from the outbox or --repo
  hook post-receive|pre-push        run as a git hook (installed by install-hooks)
  install-hooks, uninstall-hooks    add or remove the hooks in repositories
  watch                             poll mirrors and report what appeared (daemon)
  status                            what the daemon watches and delivered
  config check [FILE]               check a config file: every key, all errors
  version                           print the version (--verbose: the build, libraries)

Every command also takes --log-level trace|debug|info|warning|error|critical|off
and --log-format text|json (log lines on stderr; json: one object per line).

Run `pulse-agent COMMAND --help` for a command's options and examples.
)";

using Command = std::function<int(const std::vector<std::string>&)>;

const std::map<std::string, Command>& commands() {
    static const std::map<std::string, Command> k_commands = {
        {"push", run_push},
        {"flush", run_flush},
        {"outbox", run_outbox},
        {"backfill", run_backfill},
        {"hook", cli::run_hook},
        {"install-hooks", cli::run_install_hooks},
        {"uninstall-hooks", cli::run_uninstall_hooks},
        {"watch", cli::run_watch},
        {"status", cli::run_status},
        {"report", cli::run_report},
        {"config", cli::run_config},
        {"version", cli::run_version},
    };
    return k_commands;
}

int dispatch(const std::vector<std::string>& args) {
    if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
        std::cout << k_usage;
        return args.empty() ? k_exit_usage : k_exit_ok;
    }
    if (args[0] == "--version") {
        return run_version(std::vector<std::string>(args.begin() + 1, args.end()));
    }
    const auto it = commands().find(args[0]);
    if (it == commands().end()) {
        throw UsageError("unknown command '" + args[0] + "'");
    }
    return it->second(std::vector<std::string>(args.begin() + 1, args.end()));
}

} // namespace

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    try {
        start_logging(args);
        return dispatch(args);
    } catch (const UsageError& e) {
        std::cerr << "pulse-agent: error: " << scrub(e.what())
                  << "\nRun `pulse-agent --help` or `pulse-agent COMMAND --help` for usage.\n";
        return k_exit_usage;
    } catch (const std::exception& e) {
        std::cerr << "pulse-agent: error: " << scrub(e.what()) << "\n";
        return k_exit_error;
    }
}

} // namespace cli
