#include "cli/go_grammar.hpp"

#include "model/csv_record.hpp"
#include "model/go_integer.hpp"

#include <algorithm>
#include <set>

namespace cli {

namespace {

bool is_flag(const std::string& word) {
    return word.size() > 1 && word[0] == '-';
}

bool contains(const std::vector<std::string>& names, const std::string& name) {
    return std::find(names.begin(), names.end(), name) != names.end();
}

// Return the flag's name without its dashes and any `=value`.
std::string flag_name(const std::string& word) {
    const auto start = word.find_first_not_of('-');
    const auto end = word.find('=');
    return start == std::string::npos ? "" : word.substr(start, end - start);
}

// 3000-01-01T00:00:00Z: later times are refused as probable milliseconds.
constexpr model::UnixSeconds k_year_3000 = 32503680000;
// 0000-01-01T00:00:00Z, the first time RFC 3339 can write.
constexpr model::UnixSeconds k_year_0 = -62167219200;

std::string milliseconds_hint(model::UnixSeconds value) {
    const auto seconds = value / 1000;
    if (seconds >= k_year_3000) {
        return "";
    }
    return " (" + std::to_string(seconds) + " would be " + model::format_rfc3339(seconds) + ")";
}

} // namespace

std::vector<std::string> hoist_flags(const std::vector<std::string>& args,
                                     const std::vector<std::string>& switches) {
    std::vector<std::string> flags;
    std::size_t i = 0;
    for (; i < args.size() && is_flag(args[i]); ++i) {
        flags.push_back(args[i]);
        const bool takes_value =
            args[i].find('=') == std::string::npos && !contains(switches, flag_name(args[i]));
        if (takes_value && i + 1 < args.size()) {
            flags.push_back(args[++i]);
        }
    }
    if (i == args.size()) {
        return args;
    }
    std::vector<std::string> result{args[i]};
    result.insert(result.end(), flags.begin(), flags.end());
    result.insert(result.end(), args.begin() + static_cast<std::ptrdiff_t>(i) + 1, args.end());
    return result;
}

po::variables_map parse_go(const std::vector<std::string>& args,
                           const po::options_description& options,
                           const po::positional_options_description* positional,
                           const std::vector<std::string>& appending) {
    return parse(args, options, positional, [&](po::parsed_options& parsed) {
        std::set<std::string> seen;
        std::vector<po::option> kept;
        for (auto it = parsed.options.rbegin(); it != parsed.options.rend(); ++it) {
            const bool last_wins = it->position_key < 0 && !contains(appending, it->string_key);
            if (!last_wins || seen.insert(it->string_key).second) {
                kept.insert(kept.begin(), *it);
            }
        }
        parsed.options = std::move(kept);
    });
}

std::vector<std::string> parse_teams(const std::vector<std::string>& values) {
    std::vector<std::string> teams;
    for (const auto& value : values) {
        auto record = model::parse_csv_record(value);
        if (!record) {
            throw UsageError("--teams '" + value + "': " + record.error().message);
        }
        teams.insert(teams.end(), record->begin(), record->end());
    }
    return teams;
}

model::UnixSeconds parse_event_time(const std::string& flag, const std::string& text) {
    auto parsed = model::parse_go_integer(text);
    if (!parsed && parsed.error().message == "invalid syntax") {
        parsed = model::parse_time(text);
    }
    const auto prefix = "--" + flag + " '" + text + "': ";
    if (!parsed) {
        throw UsageError(prefix + parsed.error().message);
    }
    if (*parsed >= k_year_3000) {
        throw UsageError(prefix + "after the year 3000: looks like milliseconds" +
                         milliseconds_hint(*parsed) + "; give Unix seconds");
    }
    if (*parsed < k_year_0) {
        throw UsageError(prefix + "before the year 0; give Unix seconds");
    }
    return *parsed;
}

} // namespace cli
