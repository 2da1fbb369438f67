#include "derive/hook_input.hpp"

#include <algorithm>
#include <iterator>

namespace derive {

namespace {

// Split one line on single spaces.
std::vector<std::string_view> fields_of(std::string_view line) {
    std::vector<std::string_view> fields;
    while (true) {
        const auto space = line.find(' ');
        fields.push_back(line.substr(0, space));
        if (space == std::string_view::npos) {
            return fields;
        }
        line.remove_prefix(space + 1);
    }
}

// Call `visit` with the fields of every non-empty line; stop at its first error.
template <typename Visit>
model::Expected<void> for_each_line(std::string_view input, std::size_t field_count, Visit visit) {
    std::size_t number = 0;
    while (!input.empty()) {
        const auto end = std::min(input.find('\n'), input.size());
        auto line = input.substr(0, end);
        input.remove_prefix(std::min(end + 1, input.size()));
        ++number;
        if (!line.empty() && line.back() == '\r') {
            line.remove_suffix(1);
        }
        if (line.empty()) {
            continue;
        }
        const auto fields = fields_of(line);
        if (fields.size() != field_count || !visit(fields)) {
            return model::fail("unexpected hook input on line " + std::to_string(number) + ": '" +
                               std::string(line.substr(0, 200)) + "'");
        }
    }
    return {};
}

bool is_zero_id(std::string_view id) {
    return std::all_of(id.begin(), id.end(), [](char c) { return c == '0'; });
}

// Return the id, or "" for the all-zero id.
std::string id_or_empty(std::string_view id) {
    return is_zero_id(id) ? std::string() : std::string(id);
}

} // namespace

bool is_object_id(std::string_view text) {
    return (text.size() == 40 || text.size() == 64) &&
           std::all_of(text.begin(), text.end(),
                       [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

model::Expected<std::vector<derive::RefUpdate>> parse_post_receive(std::string_view input) {
    std::vector<derive::RefUpdate> updates;
    auto parsed = for_each_line(input, 3, [&](const std::vector<std::string_view>& f) {
        if (!is_object_id(f[0]) || !is_object_id(f[1]) || f[2].empty()) {
            return false;
        }
        updates.push_back({std::string(f[2]), id_or_empty(f[0]), id_or_empty(f[1])});
        return true;
    });
    TRY(parsed);
    return updates;
}

std::string format_post_receive(const std::vector<derive::RefUpdate>& updates) {
    std::string text;
    for (const auto& update : updates) {
        // An empty id is written back as zeros as long as the other id.
        const auto width = std::max(update.old_id.size(), update.new_id.size());
        const std::string zero(width == 0 ? 40 : width, '0');
        text += (update.old_id.empty() ? zero : update.old_id) + " " +
                (update.new_id.empty() ? zero : update.new_id) + " " + update.name + "\n";
    }
    return text;
}

std::vector<derive::RefUpdate> branch_and_tag_updates(const std::vector<derive::RefUpdate>& all) {
    std::vector<derive::RefUpdate> kept;
    std::copy_if(all.begin(), all.end(), std::back_inserter(kept), [](const auto& update) {
        return update.name.starts_with("refs/heads/") || update.name.starts_with("refs/tags/");
    });
    return kept;
}

model::Expected<std::string_view> branch_and_tag_lines(std::string_view input,
                                                       std::string& storage) {
    // Lines are taken as they are, in place, while they are branch and tag
    // lines exactly as written below, one after the other; at the first line
    // that is not, what came before is copied and the rest is copied line by
    // line. Git writes nothing else, so a push of half a million refs is
    // never copied.
    std::size_t verbatim_end = 0;
    bool copying = false;
    auto parsed = for_each_line(input, 3, [&](const std::vector<std::string_view>& f) {
        if (!is_object_id(f[0]) || !is_object_id(f[1]) || f[2].empty()) {
            return false;
        }
        const bool kept = f[2].starts_with("refs/heads/") || f[2].starts_with("refs/tags/");
        const auto start = static_cast<std::size_t>(f[0].data() - input.data());
        const auto end = static_cast<std::size_t>(f[2].data() + f[2].size() - input.data());
        if (!copying && kept && start == verbatim_end && end < input.size() && input[end] == '\n') {
            verbatim_end = end + 1;
            return true;
        }
        if (!copying) {
            copying = true;
            // At most the input: one allocation, its untouched pages never resident.
            storage.reserve(input.size());
            storage.assign(input.substr(0, verbatim_end));
        }
        if (kept) {
            storage.append(f[0]).append(" ").append(f[1]).append(" ").append(f[2]).append("\n");
        }
        return true;
    });
    TRY(parsed);
    // Blank lines at the end are left out of the view.
    return copying ? std::string_view(storage) : input.substr(0, verbatim_end);
}

model::Expected<std::vector<PushedRef>> parse_pre_push(std::string_view input) {
    std::vector<PushedRef> pushed;
    auto parsed = for_each_line(input, 4, [&](const std::vector<std::string_view>& f) {
        if (!is_object_id(f[1]) || !is_object_id(f[3]) || f[2].empty()) {
            return false;
        }
        pushed.push_back(
            {std::string(f[0]), id_or_empty(f[1]), std::string(f[2]), id_or_empty(f[3])});
        return true;
    });
    TRY(parsed);
    return pushed;
}

} // namespace derive
