#include "cli/config_command.hpp"

#include "cli/options.hpp"
#include "config/check.hpp"

#include <cstdlib>
#include <iostream>

namespace cli {

namespace {

const char* const k_config_help = R"(Usage: pulse-agent config check [--as USER] [FILE]

Check a config file before a command uses it, as `vector validate` or
`otelcol validate` do: every key is read as the commands read it, and every
problem is printed (not just the first), each as FILE:LINE:COLUMN: message.
FILE defaults to the config the other commands read: PULSE_CONFIG, else
/etc/pulse-agent/config.yaml.

Errors (any of them: exit 1):
  - unknown keys, keys given twice, wrong types, YAML syntax
  - numbers out of range (seconds: 1 to 315360000), hook.deliver other than
    background, none or service, strategy other than tags, branch or none
  - tag_pattern that is no regular expression (compiled as derivation does)
  - base_url without http:// or https://
  - the file or its api_key_file not readable by the user who will run the
    service: --as USER, else the user running this check. As root the check
    runs in a child process that takes on the user's uid and groups, so the
    kernel answers exactly as it will for the service (modes, ACLs, folders).
Warnings (printed, exit 0):
  - repositories paths or globs that match no repository (yet)
  - trusted_owners that name no user on this system
  - --as another user when not run as root: the key file is not checked

Hooks read only outbox, spool, system, hook, repositories and trusted_owners:
a problem elsewhere never costs a push, and one there is taken in stride with
the key's default and one warning line. Every other command refuses the file.

  --as USER   check the files as this user would read them (needs root
              unless it is you), e.g. the service's user pulse-agent

Exit codes: 0 valid ("config OK: FILE", and warnings), 1 errors, 2 wrong usage.

Examples:
  # after editing, before restarting the service
  sudo pulse-agent config check --as pulse-agent && sudo systemctl restart pulse-agent
  # a config a hook runs with
  pulse-agent config check /srv/git/pulse-agent.yaml
)";

// The command line of `config check`.
struct CheckArgs {
    std::string file;
    std::optional<std::string> as_user;
};

CheckArgs parse_check(const std::vector<std::string>& args) {
    CheckArgs parsed;
    po::options_description options("Options");
    options.add_options()("as", po::value<std::string>(), "check as this user")(
        "file", po::value<std::string>(), "the config file");
    po::positional_options_description positional;
    positional.add("file", 1);
    const auto vm = parse(args, options, &positional);
    const char* env = std::getenv("PULSE_CONFIG");
    parsed.file = vm.count("file")                 ? vm["file"].as<std::string>()
                  : env != nullptr && *env != '\0' ? env
                                                   : config::k_default_config_path;
    if (vm.count("as")) {
        parsed.as_user = vm["as"].as<std::string>();
    }
    return parsed;
}

util::Account account_for(const std::optional<std::string>& name) {
    if (!name) {
        return util::current_account();
    }
    auto account = util::find_account(*name);
    if (!account) {
        throw UsageError("--as: " + account.error());
    }
    return *account;
}

int check(const CheckArgs& args) {
    const auto account = account_for(args.as_user);
    const auto problems = model::value_or_throw(config::check_config_file(args.file, account));
    std::size_t errors = 0;
    for (const auto& problem : problems) {
        errors += problem.warning ? 0 : 1;
        std::cout << (problem.warning ? "warning: " : "") << problem.message << "\n";
    }
    if (errors > 0) {
        std::cerr << "pulse-agent: error: " << args.file << ": " << errors << " error"
                  << (errors == 1 ? "" : "s") << "\n";
        return k_exit_error;
    }
    std::cout << "config OK: " << args.file << "\n";
    return k_exit_ok;
}

} // namespace

int run_config(const std::vector<std::string>& args) {
    if (args.empty()) {
        throw UsageError("expected `config check [FILE]`");
    }
    if (args[0] == "--help" || args[0] == "-h" || args[0] == "help" ||
        std::find(args.begin(), args.end(), "--help") != args.end()) {
        std::cout << k_config_help;
        return k_exit_ok;
    }
    if (args[0] != "check") {
        throw UsageError("unknown config command '" + args[0] + "' (expected check)");
    }
    return check(parse_check(std::vector<std::string>(args.begin() + 1, args.end())));
}

} // namespace cli
