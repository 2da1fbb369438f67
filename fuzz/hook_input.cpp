// derive::parse_post_receive and parse_pre_push on arbitrary bytes (a hook's
// standard input): never a crash, one result per non-blank line, and
// post-receive updates written back by format_post_receive read the same.
#include "derive/hook_input.hpp"

#include "check.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace {

// Count the lines that hold more than a line end.
std::size_t non_blank_lines(std::string_view text) {
    std::size_t count = 0;
    while (!text.empty()) {
        const auto end = std::min(text.find('\n'), text.size());
        const auto line = text.substr(0, end);
        count += line != "" && line != "\r";
        text.remove_prefix(std::min(end + 1, text.size()));
    }
    return count;
}

// Return whether git could have named a ref so: control characters are
// refused by git check-ref-format, and a trailing CR does not survive a line.
bool ref_git_makes(std::string_view name) {
    return std::none_of(name.begin(), name.end(),
                        [](char c) { return static_cast<unsigned char>(c) < 0x20; });
}

void check_post_receive(std::string_view input) {
    const auto updates = derive::parse_post_receive(input);
    std::string storage;
    const auto lines = derive::branch_and_tag_lines(input, storage);
    fuzz::check(updates.has_value() == lines.has_value(), "both readers accept the same input");
    if (!updates) {
        return;
    }
    const auto kept = derive::branch_and_tag_updates(*updates);
    const auto reread = derive::parse_post_receive(*lines);
    fuzz::check(reread.has_value() && reread->size() == kept.size(),
                "the kept lines read back as the kept updates");
    for (std::size_t i = 0; i < kept.size(); ++i) {
        fuzz::check((*reread)[i].name == kept[i].name && (*reread)[i].old_id == kept[i].old_id &&
                        (*reread)[i].new_id == kept[i].new_id,
                    "each kept line reads back as its update");
    }
    fuzz::check(updates->size() == non_blank_lines(input), "one update per line");
    if (!std::all_of(updates->begin(), updates->end(),
                     [](const auto& u) { return ref_git_makes(u.name); })) {
        return;
    }
    const auto again = derive::parse_post_receive(derive::format_post_receive(*updates));
    fuzz::check(again.has_value() && again->size() == updates->size(), "formatted input parses");
    for (std::size_t i = 0; i < updates->size(); ++i) {
        const auto& a = (*updates)[i];
        const auto& b = (*again)[i];
        fuzz::check(a.name == b.name && a.old_id == b.old_id && a.new_id == b.new_id,
                    "formatted updates read back unchanged");
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    check_post_receive(input);
    const auto pushed = derive::parse_pre_push(input);
    if (pushed) {
        fuzz::check(pushed->size() == non_blank_lines(input), "one pushed ref per line");
    }
    return 0;
}
