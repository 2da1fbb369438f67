#include "cli/install_hooks.hpp"

#include "cli/options.hpp"
#include "hook/hook_context.hpp"
#include "hook/installer.hpp"
#include "util/repository_glob.hpp"

#include <iostream>

namespace cli {

namespace {

namespace fs = std::filesystem;

const char* const k_install_help = R"(Usage: pulse-agent install-hooks [OPTIONS] PATH_OR_GLOB...
       pulse-agent install-hooks [OPTIONS] --custom-hooks-dir DIR

Install the hooks that report every push to Pulse: post-receive in bare
(server) repositories, pre-push in clones. A hook is a tiny sh script that
runs this pulse-agent by its absolute path; it never fails or slows a push.

Where the hook goes:
  - GitLab (the repository has custom_hooks/, or --gitlab):
      custom_hooks/post-receive.d/pulse-agent
  - Gitea, Forgejo (the hooks folder has post-receive.d/):
      hooks/post-receive.d/pulse-agent
  - plain Git: the hooks folder (core.hooksPath is honoured) / post-receive.
    An existing hook is kept as post-receive.pulse-chained and still runs
    first, with the same input; its exit status is kept.
Running it again updates the hooks in place (e.g. to a new binary path).
`pulse-agent uninstall-hooks` puts back exactly what was there.

Examples:
  pulse-agent install-hooks /srv/git/shop.git
  pulse-agent install-hooks --dry-run '/srv/git/*/*.git'
  pulse-agent install-hooks --gitlab /var/opt/gitlab/git-data/repositories/@hashed/*/*/*.git
  pulse-agent install-hooks --custom-hooks-dir /var/opt/gitlab/gitaly/custom_hooks
  pulse-agent install-hooks ~/src/shop            # a clone: installs pre-push

Exit codes: 0 done, 1 some repository failed (the others are done), 2 wrong usage.
)";

const char* const k_uninstall_help = R"(Usage: pulse-agent uninstall-hooks [OPTIONS] PATH_OR_GLOB...
       pulse-agent uninstall-hooks [OPTIONS] --custom-hooks-dir DIR

Remove the hooks install-hooks installed, wherever they are (hooks folder,
NAME.d/, custom_hooks/), and put back exactly what was there: a chained hook
returns under its own name, byte for byte, with its mode; folders created
by install-hooks are removed when empty. Files that are not ours are never
touched.

Examples:
  pulse-agent uninstall-hooks /srv/git/shop.git
  pulse-agent uninstall-hooks --dry-run '/srv/git/*/*.git'

Exit codes: 0 done, 1 some repository failed (the others are done), 2 wrong usage.
)";

struct InstallOptions {
    bool dry_run = false;
    bool gitlab = false;
    std::vector<std::string> hooks;
    std::string custom_hooks_dir;
    std::string agent;
    std::vector<std::string> paths;
};

cli::po::options_description describe_options(InstallOptions& o) {
    namespace po = cli::po;
    po::options_description options("Options");
    auto add = options.add_options();
    add("dry-run,n", po::bool_switch(&o.dry_run), "show what would be done");
    add("hook", po::value(&o.hooks)->composing(),
        "post-receive or pre-push (repeatable; default: post-receive in bare repositories, "
        "pre-push in clones)");
    add("gitlab", po::bool_switch(&o.gitlab), "use custom_hooks/post-receive.d/ (GitLab, Gitaly)");
    add("custom-hooks-dir", po::value(&o.custom_hooks_dir),
        "a global custom hooks folder (GitLab's custom_hooks_dir): use DIR/post-receive.d/");
    add("agent", po::value(&o.agent), "the pulse-agent the hooks run (default: this one)");
    return options;
}

InstallOptions parse_options(const std::vector<std::string>& args) {
    InstallOptions o;
    auto options = describe_options(o);
    options.add_options()("paths", cli::po::value(&o.paths)->composing(), "repositories");
    cli::po::positional_options_description positional;
    positional.add("paths", -1);
    cli::parse(args, options, &positional);
    if (o.paths.empty() && o.custom_hooks_dir.empty()) {
        throw cli::UsageError("name at least one repository (a path or a glob)");
    }
    if (o.agent.empty()) {
        std::error_code ec;
        o.agent = fs::read_symlink("/proc/self/exe", ec).string();
    } else {
        o.agent = fs::absolute(o.agent).lexically_normal().string();
    }
    return o;
}

std::vector<hook::HookKind> hook_kinds(const InstallOptions& o, const hook::RepositoryHooks& repo) {
    if (o.hooks.empty()) {
        return {repo.bare ? hook::HookKind::post_receive : hook::HookKind::pre_push};
    }
    std::vector<hook::HookKind> kinds;
    for (const auto& name : o.hooks) {
        const auto kind = hook::parse_hook_name(name);
        if (!kind) {
            throw cli::UsageError("--hook must be post-receive or pre-push, not '" + name + "'");
        }
        kinds.push_back(*kind);
    }
    return kinds;
}

// Expand globs (quoted so the shell left them to us) into the repositories
// they name, as the daemon does; a plain path is kept as given, for
// locate_hooks to judge. The problems are folders a glob could not list.
model::Expected<util::Expansion> expand(const std::vector<std::string>& patterns) {
    util::Expansion all;
    for (const auto& pattern : patterns) {
        if (!util::is_glob(pattern)) {
            all.repositories.emplace_back(pattern);
            continue;
        }
        auto found = util::expand_pattern(pattern);
        if (found.repositories.empty() && found.problems.empty()) {
            return model::fail("'" + pattern + "' matches nothing that is a git repository");
        }
        all.repositories.insert(all.repositories.end(), found.repositories.begin(),
                                found.repositories.end());
        all.problems.insert(all.problems.end(), found.problems.begin(), found.problems.end());
    }
    return all;
}

// Print and (unless dry) carry out a plan; return whether it went through.
bool carry_out(const std::string& where, const model::Expected<hook::Plan>& plan, bool dry_run) {
    if (!plan) {
        std::cerr << "pulse-agent: error: " << where << ": " << plan.error().message << "\n";
        return false;
    }
    if (!dry_run) {
        if (auto done = hook::apply(*plan); !done) {
            std::cerr << "pulse-agent: error: " << where << ": " << done.error().message << "\n";
            return false;
        }
    }
    for (const auto& step : plan->steps) {
        std::cout << where << ": " << hook::describe(step, dry_run) << "\n";
    }
    if (!plan->note.empty()) {
        std::cout << where << ": " << plan->note << "\n";
    }
    return true;
}

// Return the site where our shim for `kind` already is, else where it goes.
hook::HookSite install_site(const hook::RepositoryHooks& repo, hook::HookKind kind, bool gitlab) {
    auto site = hook::site_for(repo, kind, gitlab);
    for (const auto& file : hook::possible_shims(repo, kind)) {
        auto existing = hook::plan_uninstall(file);
        if (existing && !existing->steps.empty()) {
            return hook::HookSite{kind, file, file.filename() == hook::k_dot_d_name, {}};
        }
    }
    return site;
}

// Return where the repository keeps its hooks, printing why not.
std::optional<hook::RepositoryHooks> located(const fs::path& path) {
    auto repo = hook::locate_hooks(path);
    if (!repo) {
        std::cerr << "pulse-agent: error: " << repo.error().message << "\n";
        return std::nullopt;
    }
    return *repo;
}

bool install_in(const fs::path& path, const InstallOptions& o) {
    const auto repo = located(path);
    if (!repo) {
        return false;
    }
    bool ok = true;
    for (const auto kind : hook_kinds(o, *repo)) {
        const auto site = install_site(*repo, kind, o.gitlab);
        ok = carry_out(path.string(), hook::plan_install(site, o.agent), o.dry_run) && ok;
    }
    return ok;
}

bool uninstall_in(const fs::path& path, const InstallOptions& o) {
    const auto repo = located(path);
    if (!repo) {
        return false;
    }
    bool ok = true;
    bool found = false;
    for (const auto kind : {hook::HookKind::post_receive, hook::HookKind::pre_push}) {
        for (const auto& file : hook::possible_shims(*repo, kind)) {
            const auto plan = hook::plan_uninstall(file);
            found = found || (plan && !plan->steps.empty());
            ok = carry_out(path.string(), plan, o.dry_run) && ok;
        }
    }
    if (!found) {
        std::cout << path.string() << ": no pulse-agent hook installed\n";
    }
    return ok;
}

// Run `install` or `uninstall` over every repository and the global folder.
int run_over_repositories(const std::vector<std::string>& args, bool installing) {
    hook::clear_git_environment();
    const auto o = parse_options(args);
    // Root (or the service's user) may set up repositories the config's
    // trusted_owners own: load the config for that alone, as a hook does.
    cli::load_tolerant_settings({config::k_hook_keys, true});
    bool ok = true;
    if (!o.custom_hooks_dir.empty()) {
        const auto site =
            hook::site_in_custom_hooks_dir(o.custom_hooks_dir, hook::HookKind::post_receive);
        const auto plan =
            installing ? hook::plan_install(site, o.agent) : hook::plan_uninstall(site.file);
        ok = carry_out(o.custom_hooks_dir, plan, o.dry_run);
    }
    const auto paths = expand(o.paths);
    if (!paths) {
        throw cli::UsageError(paths.error().message);
    }
    for (const auto& problem : paths->problems) {
        std::cerr << "pulse-agent: error: " << problem << "\n";
        ok = false;
    }
    for (const auto& path : paths->repositories) {
        ok = (installing ? install_in(path, o) : uninstall_in(path, o)) && ok;
    }
    return ok ? cli::k_exit_ok : cli::k_exit_error;
}

} // namespace

int run_install_hooks(const std::vector<std::string>& args) {
    if (wants_help(args)) {
        InstallOptions o;
        std::cout << k_install_help << "\n" << describe_options(o) << "\n";
        return cli::k_exit_ok;
    }
    return run_over_repositories(args, true);
}

int run_uninstall_hooks(const std::vector<std::string>& args) {
    if (wants_help(args)) {
        InstallOptions o;
        std::cout << k_uninstall_help << "\n" << describe_options(o) << "\n";
        return cli::k_exit_ok;
    }
    return run_over_repositories(args, false);
}

} // namespace cli
