#include "hook/shim.hpp"

#include <charconv>

namespace hook {

namespace {

constexpr std::string_view k_marker = "# pulse-agent-shim: ";
constexpr std::string_view k_agent_line = "agent=";
constexpr std::string_view k_created_marker = "# pulse-agent-created-folders: ";

// Quote a string for sh: 'it'\''s'.
std::string single_quoted(const std::string& text) {
    std::string quoted = "'";
    for (char c : text) {
        quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    }
    return quoted + "'";
}

// Undo single_quoted.
std::string unquoted(std::string_view text) {
    std::string plain;
    bool inside = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\'') {
            inside = !inside;
        } else if (!inside && text[i] == '\\' && i + 1 < text.size()) {
            plain += text[++i];
        } else {
            plain += text[i];
        }
    }
    return plain;
}

std::string header(const Shim& shim) {
    const std::string name(hook_name(shim.kind));
    std::string text = "#!/bin/sh\n" + std::string(k_marker) + name + "\n";
    if (shim.created_folders > 0) {
        text += std::string(k_created_marker) + std::to_string(shim.created_folders) + "\n";
    }
    text += "# Reports this push to Pulse (DORA metrics); it never fails or slows the push.\n"
            "# Installed by `pulse-agent install-hooks`; `pulse-agent uninstall-hooks` removes\n"
            "# it and puts back the hook that was here before, if any.\n";
    return text + std::string(k_agent_line) + single_quoted(shim.agent) + "\n";
}

std::string plain_body(const Shim& shim) {
    const std::string name(hook_name(shim.kind));
    return "[ -x \"$agent\" ] || exit 0\n"
           "exec \"$agent\" hook " +
           name + " \"$@\"\n";
}

// The chained hook keeps running first, with the same input and arguments,
// and its exit status is ours; without pulse-agent it simply runs alone.
std::string chained_body(const Shim& shim) {
    const std::string name(hook_name(shim.kind));
    return "case $0 in */*) here=${0%/*} ;; *) here=. ;; esac\n"
           "chained=\"$here/" +
           name + k_chained_suffix +
           "\"\n"
           "if [ ! -x \"$agent\" ]; then\n"
           "    [ -x \"$chained\" ] && exec \"$chained\" \"$@\"\n"
           "    exit 0\n"
           "fi\n"
           "exec \"$agent\" hook " +
           name + " --chain \"$chained\" \"$@\"\n";
}

std::string_view line_after(std::string_view text, std::string_view prefix) {
    const auto start = text.find(prefix);
    if (start == std::string_view::npos) {
        return {};
    }
    auto rest = text.substr(start + prefix.size());
    return rest.substr(0, rest.find('\n'));
}

} // namespace

std::string_view hook_name(HookKind kind) {
    return kind == HookKind::post_receive ? "post-receive" : "pre-push";
}

std::optional<HookKind> parse_hook_name(std::string_view name) {
    if (name == "post-receive") {
        return HookKind::post_receive;
    }
    if (name == "pre-push") {
        return HookKind::pre_push;
    }
    return std::nullopt;
}

std::string shim_text(const Shim& shim) {
    return header(shim) + (shim.chained ? chained_body(shim) : plain_body(shim));
}

std::optional<Shim> read_shim(std::string_view text) {
    if (!text.starts_with("#!/bin/sh\n")) {
        return std::nullopt;
    }
    const auto kind = parse_hook_name(line_after(text, k_marker));
    if (!kind) {
        return std::nullopt;
    }
    Shim shim;
    shim.kind = *kind;
    shim.agent = unquoted(line_after(text, "\n" + std::string(k_agent_line)));
    shim.chained = text.find(" --chain ") != std::string_view::npos;
    const auto created = line_after(text, k_created_marker);
    std::from_chars(created.data(), created.data() + created.size(), shim.created_folders);
    return shim;
}

} // namespace hook
