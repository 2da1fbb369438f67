#pragma once

#include <optional>
#include <string>
#include <string_view>

// The tiny POSIX sh scripts install-hooks puts where git looks for hooks.
namespace hook {

// The hooks pulse-agent installs.
enum class HookKind { post_receive, pre_push };

// Return the hook's file name as git spells it ("post-receive").
std::string_view hook_name(HookKind kind);

// Parse "post-receive" or "pre-push".
std::optional<HookKind> parse_hook_name(std::string_view name);

// The suffix an existing hook is kept under while our shim chains to it.
inline constexpr const char* k_chained_suffix = ".pulse-chained";

// The file name of our shim inside a NAME.d/ folder.
inline constexpr const char* k_dot_d_name = "pulse-agent";

// What a shim does.
struct Shim {
    HookKind kind = HookKind::post_receive;
    // Absolute path of the pulse-agent binary it runs.
    std::string agent;
    // True when it runs NAME.pulse-chained beside it first.
    bool chained = false;
    // How many folders above the shim install-hooks created (0, 1 or 2), so
    // that uninstall-hooks removes exactly those.
    int created_folders = 0;
};

// Return the script's text.
std::string shim_text(const Shim& shim);

// Return what a script does if it is one of our shims.
std::optional<Shim> read_shim(std::string_view text);

} // namespace hook
