#include "hook/hook_context.hpp"

#include <cstdlib>
#include <cstring>
#include <string_view>
#include <vector>

extern char** environ;

namespace hook {

namespace {

std::string env_or_empty(const char* name) {
    const char* value = std::getenv(name);
    return value != nullptr ? value : "";
}

std::string pusher_from_environment() {
    for (const char* name : {"GL_USERNAME", "GITEA_PUSHER_NAME"}) {
        if (auto value = env_or_empty(name); !value.empty()) {
            return value;
        }
    }
    return "";
}

} // namespace

HookContext read_context() {
    HookContext context;
    std::error_code ec;
    const auto cwd = std::filesystem::current_path(ec);
    const auto git_dir = env_or_empty("GIT_DIR");
    // "." normalises to "cwd/"; drop the trailing slash so messages read well.
    context.git_dir = git_dir.empty() ? cwd : (cwd / git_dir).lexically_normal();
    if (!context.git_dir.has_filename() && context.git_dir.has_parent_path()) {
        context.git_dir = context.git_dir.parent_path();
    }
    context.pusher = pusher_from_environment();
    const auto quiet = env_or_empty("PULSE_HOOK_QUIET");
    context.quiet = !quiet.empty() && quiet != "0" && quiet != "false";
    return context;
}

void clear_git_environment() {
    std::vector<std::string> names;
    for (char** entry = environ; *entry != nullptr; ++entry) {
        const std::string_view text(*entry);
        if (text.rfind("GIT_", 0) == 0) {
            names.emplace_back(text.substr(0, text.find('=')));
        }
    }
    for (const auto& name : names) {
        ::unsetenv(name.c_str());
    }
}

} // namespace hook
