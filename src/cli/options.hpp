#pragma once

#include "config/settings.hpp"
#include "model/time.hpp"

#include <boost/program_options.hpp>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace cli {

namespace po = boost::program_options;

// The exit codes every subcommand documents in --help.
enum ExitCode : int {
    k_exit_ok = 0,
    k_exit_error = 1,
    k_exit_usage = 2,
    // Queued durably, but the API could not be reached yet: it will be retried.
    k_exit_queued = 3,
    // The API refused an event for good (4xx); it is parked in the outbox.
    k_exit_rejected = 4,
    // The API refused the key or URL (401, 403, 404, 3xx); nothing is lost.
    k_exit_refused = 5,
};

// Help text shared by every subcommand: exit codes and environment.
extern const char* const k_exit_codes_help;

// A mistake in the command line, reported with the subcommand's usage hint.
class UsageError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Add --config, --api-key, --api-key-file, --base-url, --outbox and --system.
void add_common_options(po::options_description& options, config::Overrides& overrides);

// Return whether a command line asks for help (--help or -h anywhere).
bool wants_help(const std::vector<std::string>& args);

// Return the time option `name` (a date, RFC 3339 or Unix seconds), if given;
// throws UsageError naming the option when it does not parse.
std::optional<model::UnixSeconds> time_option(const po::variables_map& vm, const char* name);

// Changes what the parser read before it is stored (parse_go's "last wins").
using ParsedFilter = std::function<void(po::parsed_options&)>;

// Parse arguments the way the Go CLI does (also -flag and -flag=value),
// passing what was read through `filter` when one is given; throws
// UsageError on unknown or malformed options.
po::variables_map parse(const std::vector<std::string>& args,
                        const po::options_description& options,
                        const po::positional_options_description* positional = nullptr,
                        const ParsedFilter& filter = {});

// Resolve the settings from the overrides, this process's environment and the
// config file; with KeyUse::read also read the API key, remembered so that
// scrub() can hide it.
config::Settings load_settings(const config::Overrides& overrides, config::KeyUse key_use);

// Resolve the settings, without the API key, for a command that depends on
// only some keys of the config file (a hook).
config::TolerantSettings load_tolerant_settings(const config::Tolerance& tolerance);

// Take `key` wherever PULSE_API_KEY would be read, without it being in this
// process's environment (`hook deliver --api-key-stdin`); an empty key, none.
void use_handed_api_key(std::string key);

// Read the API key into settings loaded without it, remembered for scrub():
// for a command that learns late whether it will send.
void read_api_key(config::Settings& settings);

// Return a message with every API key this process has seen (PULSE_API_KEY,
// or resolved by load_settings) removed, also in URL-encoded form.
std::string scrub(std::string message);

// Split a comma-separated list (--teams a,b), trimming spaces, dropping empties.
std::vector<std::string> split_list(const std::string& text);

} // namespace cli
