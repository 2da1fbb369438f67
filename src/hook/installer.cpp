#include "hook/installer.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

namespace hook {

namespace {

namespace fs = std::filesystem;

bool exists_or_dangles(const fs::path& path) {
    std::error_code ec;
    return fs::exists(fs::symlink_status(path, ec));
}

std::optional<std::string> read_text(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return std::nullopt;
    }
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

// Return our shim at `path`, if what is there is one (never following a symlink).
std::optional<Shim> our_shim(const fs::path& path) {
    std::error_code ec;
    if (!fs::is_regular_file(fs::symlink_status(path, ec))) {
        return std::nullopt;
    }
    const auto text = read_text(path);
    return text ? read_shim(*text) : std::nullopt;
}

fs::path kept_path(const fs::path& hook) {
    return hook.string() + k_chained_suffix;
}

model::Expected<void> errno_failure(const std::string& what, const fs::path& path) {
    return model::fail(what + " '" + path.string() + "': " + std::strerror(errno));
}

model::Expected<void> write_file(const fs::path& path, const std::string& text) {
    const auto temporary = path.string() + ".pulse-new";
    const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);
    if (fd < 0) {
        return errno_failure("writing", temporary);
    }
    const bool written = ::write(fd, text.data(), text.size()) == ssize_t(text.size()) &&
                         ::fchmod(fd, 0755) == 0 && ::fsync(fd) == 0;
    ::close(fd);
    if (!written || ::rename(temporary.c_str(), path.c_str()) != 0) {
        const auto failure = errno_failure("writing", path);
        ::unlink(temporary.c_str());
        return failure;
    }
    return {};
}

// Keep the hook under its new name while it still runs under the old one,
// so no push ever finds neither; rename when hard links are refused.
model::Expected<void> keep_existing(const fs::path& hook, const fs::path& kept) {
    if (::linkat(AT_FDCWD, hook.c_str(), AT_FDCWD, kept.c_str(), 0) == 0 ||
        ::rename(hook.c_str(), kept.c_str()) == 0) {
        return {};
    }
    return errno_failure("keeping the existing hook", hook);
}

model::Expected<void> apply_step(const Step& step) {
    using Action = Step::Action;
    switch (step.action) {
    case Action::make_folder:
        return ::mkdir(step.path.c_str(), 0755) == 0 ? model::Expected<void>()
                                                     : errno_failure("creating", step.path);
    case Action::keep_existing:
        return keep_existing(step.path, step.other);
    case Action::write_shim:
        return write_file(step.path, step.text);
    case Action::restore_kept:
        return ::rename(step.other.c_str(), step.path.c_str()) == 0
                   ? model::Expected<void>()
                   : errno_failure("restoring", step.other);
    case Action::remove_file:
        return ::unlink(step.path.c_str()) == 0 ? model::Expected<void>()
                                                : errno_failure("removing", step.path);
    case Action::remove_folder:
        // A folder someone has put files in since stays.
        ::rmdir(step.path.c_str());
        return {};
    }
    return {};
}

Plan plan_new(const HookSite& site, const std::string& agent) {
    Plan plan;
    for (const auto& folder : site.missing_folders) {
        plan.steps.push_back({Step::Action::make_folder, folder, {}, {}});
    }
    const Shim shim{site.kind, agent, false, static_cast<int>(site.missing_folders.size())};
    plan.steps.push_back({Step::Action::write_shim, site.file, {}, shim_text(shim)});
    return plan;
}

Plan plan_update(const HookSite& site, Shim shim, const std::string& agent) {
    shim.agent = agent;
    const auto text = shim_text(shim);
    if (read_text(site.file) == text) {
        return Plan{{},
                    std::string(hook_name(site.kind)) + " already installed (" +
                        site.file.string() + ")"};
    }
    return Plan{{{Step::Action::write_shim, site.file, {}, text}}, ""};
}

model::Expected<Plan> plan_chain(const HookSite& site, const std::string& agent) {
    const auto kept = kept_path(site.file);
    if (site.in_dot_d || exists_or_dangles(kept)) {
        return model::fail("'" + (site.in_dot_d ? site.file : kept).string() +
                           "' exists and is not ours; leaving it alone");
    }
    std::error_code ec;
    if (fs::is_directory(site.file, ec)) {
        return model::fail("'" + site.file.string() + "' is a folder; leaving it alone");
    }
    const Shim shim{site.kind, agent, true, 0};
    return Plan{{{Step::Action::keep_existing, site.file, kept, {}},
                 {Step::Action::write_shim, site.file, {}, shim_text(shim)}},
                ""};
}

} // namespace

model::Expected<Plan> plan_install(const HookSite& site, const std::string& agent) {
    if (!exists_or_dangles(site.file)) {
        return plan_new(site, agent);
    }
    if (auto shim = our_shim(site.file)) {
        return plan_update(site, *shim, agent);
    }
    return plan_chain(site, agent);
}

model::Expected<Plan> plan_uninstall(const fs::path& file) {
    const auto shim = our_shim(file);
    if (!shim) {
        return Plan{};
    }
    Plan plan;
    const auto kept = kept_path(file);
    if (shim->chained && exists_or_dangles(kept)) {
        plan.steps.push_back({Step::Action::restore_kept, file, kept, {}});
    } else {
        plan.steps.push_back({Step::Action::remove_file, file, {}, {}});
    }
    auto folder = file.parent_path();
    for (int i = 0; i < shim->created_folders && !folder.empty(); ++i) {
        plan.steps.push_back({Step::Action::remove_folder, folder, {}, {}});
        folder = folder.parent_path();
    }
    return plan;
}

model::Expected<void> apply(const Plan& plan) {
    for (const auto& step : plan.steps) {
        TRY(apply_step(step));
    }
    return {};
}

std::string describe(const Step& step, bool dry_run) {
    const auto quoted = [](const fs::path& p) { return "'" + p.string() + "'"; };
    using Action = Step::Action;
    switch (step.action) {
    case Action::make_folder:
        return (dry_run ? "would create " : "created ") + quoted(step.path);
    case Action::keep_existing:
        return (dry_run ? "would keep the existing hook " : "kept the existing hook ") +
               quoted(step.path) + " as " + quoted(step.other) + "; it still runs first";
    case Action::write_shim:
        return (dry_run ? "would write " : "wrote ") + quoted(step.path);
    case Action::restore_kept:
        return (dry_run ? "would put back " : "put back ") + quoted(step.path) + " from " +
               quoted(step.other);
    case Action::remove_file:
        return (dry_run ? "would remove " : "removed ") + quoted(step.path);
    case Action::remove_folder:
        return (dry_run ? "would remove the folder " : "removed the folder ") + quoted(step.path) +
               " if empty";
    }
    return "";
}

} // namespace hook
