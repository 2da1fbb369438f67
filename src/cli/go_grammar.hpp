#pragma once

#include "cli/options.hpp"
#include "model/time.hpp"

#include <string>
#include <vector>

// The Go pulse-event-cli's command-line grammar (cobra and pflag), for the
// `push` commands that must accept its command lines unchanged.
namespace cli {

// Move the flags written before the first plain word (`push --api-key K
// change ...`, as cobra's TraverseChildren allows) to just after it. Every
// such flag takes the next word as its value unless it is one of `switches`
// or spelled --flag=value.
std::vector<std::string> hoist_flags(const std::vector<std::string>& args,
                                     const std::vector<std::string>& switches);

// Parse as pflag does: like parse(), but a repeated flag keeps its last value
// unless it is one of `appending` (vector-valued options, such as --teams).
po::variables_map parse_go(const std::vector<std::string>& args,
                           const po::options_description& options,
                           const po::positional_options_description* positional,
                           const std::vector<std::string>& appending);

// Return the teams of every --teams value, each read as one CSV record as
// pflag's string slice does (quotes honoured, spaces and empty items kept).
std::vector<std::string> parse_teams(const std::vector<std::string>& values);

// Parse an event time flag: an integer as Go's strconv.ParseInt(s, 0, 64)
// reads it, or a date or RFC 3339 time; refuse times before the year 0 or
// after 3000 ("looks like milliseconds"). Throws UsageError.
model::UnixSeconds parse_event_time(const std::string& flag, const std::string& text);

} // namespace cli
