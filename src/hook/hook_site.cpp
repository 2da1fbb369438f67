#include "hook/hook_site.hpp"

#include "git/trust.hpp"
#include "util/child_process.hpp"

#include <cstdlib>
#include <sstream>

namespace hook {

namespace {

namespace fs = std::filesystem;

bool is_folder(const fs::path& path) {
    std::error_code ec;
    return fs::is_directory(path, ec);
}

// Return the site of a shim at `file`, listing its missing folders.
HookSite site_at(HookKind kind, fs::path file, bool in_dot_d) {
    HookSite site{kind, std::move(file), in_dot_d, {}};
    for (auto folder = site.file.parent_path(); !folder.empty() && !is_folder(folder);
         folder = folder.parent_path()) {
        site.missing_folders.insert(site.missing_folders.begin(), folder);
        if (folder == folder.root_path()) {
            break;
        }
    }
    return site;
}

fs::path dot_d(const fs::path& folder, HookKind kind) {
    return folder / (std::string(hook_name(kind)) + ".d");
}

// Return a path git printed, made absolute against the folder git ran in.
fs::path absolute_from(const fs::path& base, const std::string& printed) {
    return (base / printed).lexically_normal();
}

} // namespace

model::Expected<RepositoryHooks> locate_hooks(const fs::path& path) {
    std::error_code ec;
    const auto where = fs::absolute(path, ec).lexically_normal();
    // GIT_CEILING_DIRECTORIES keeps git from finding an enclosing repository
    // when `path` is none.
    ::setenv("GIT_CEILING_DIRECTORIES", where.parent_path().c_str(), 1);
    std::vector<std::string> argv{"git"};
    if (git::is_trusted(where)) {
        argv.insert(argv.end(), {"-c", "safe.directory=" + where.string()});
    }
    argv.insert(argv.end(), {"-C", where.string(), "rev-parse", "--is-bare-repository",
                             "--absolute-git-dir", "--git-path", "hooks"});
    auto printed = util::run_for_output(argv);
    if (!printed) {
        return model::fail("'" + path.string() + "' is not a git repository: " + printed.error());
    }
    std::istringstream lines(*printed);
    std::string bare, git_dir, hooks;
    std::getline(lines, bare);
    std::getline(lines, git_dir);
    std::getline(lines, hooks);
    if (git_dir.empty() || hooks.empty()) {
        return model::fail("'" + path.string() + "': unexpected answer from git rev-parse");
    }
    return RepositoryHooks{git_dir, absolute_from(where, hooks), bare == "true"};
}

HookSite site_for(const RepositoryHooks& repo, HookKind kind, bool gitlab) {
    if (kind == HookKind::post_receive) {
        const auto custom = repo.git_dir / "custom_hooks";
        if (gitlab || is_folder(custom)) {
            return site_at(kind, dot_d(custom, kind) / k_dot_d_name, true);
        }
        if (is_folder(dot_d(repo.hooks_dir, kind))) {
            return site_at(kind, dot_d(repo.hooks_dir, kind) / k_dot_d_name, true);
        }
    }
    return site_at(kind, repo.hooks_dir / hook_name(kind), false);
}

HookSite site_in_custom_hooks_dir(const fs::path& dir, HookKind kind) {
    std::error_code ec;
    return site_at(kind, dot_d(fs::absolute(dir, ec), kind) / k_dot_d_name, true);
}

std::vector<fs::path> possible_shims(const RepositoryHooks& repo, HookKind kind) {
    return {repo.hooks_dir / hook_name(kind), dot_d(repo.hooks_dir, kind) / k_dot_d_name,
            dot_d(repo.git_dir / "custom_hooks", kind) / k_dot_d_name};
}

} // namespace hook
