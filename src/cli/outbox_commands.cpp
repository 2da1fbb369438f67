#include "cli/outbox_commands.hpp"

#include "cli/options.hpp"
#include "hook/detached_delivery.hpp"
#include "outbox/push_queue.hpp"
#include "pipeline/delivery.hpp"
#include "pipeline/recorded_pushes.hpp"

#include <iostream>
#include <nlohmann/json.hpp>

namespace cli {

namespace {

const char* const k_flush_help = R"(Usage: pulse-agent flush [OPTIONS]

Derive the events of the pushes post-receive hooks recorded and have not
derived yet (their background process was killed, say), then deliver every
queued event that is due, oldest first (in order within each system), over
one connection. Stops at the first answer that says "later"
(5xx, 429, network error: the event is retried with backoff) or "fix the
configuration" (401, 403, 404, redirect). Events the API rejects (other 4xx)
are parked, with the answer, and the rest go on.

Examples:
  PULSE_API_KEY=... pulse-agent flush
  pulse-agent flush --config /etc/pulse-agent/config.yaml
)";

const char* const k_outbox_help = R"(Usage: pulse-agent outbox [OPTIONS]
       pulse-agent outbox list [--json] [--state queued|delivered|rejected]

Show the outbox: how many events are queued, delivered and rejected, how
many pushes recorded by post-receive hooks wait to be derived or failed, the
last delivery problem, and every rejected event and failed push with the
reason. `list`
prints every event; with --json one JSON object per line with state, system,
type, id, attempts, last_error and body (the exact JSON that is or was sent),
and when known last_status, next_attempt (Unix seconds, for a queued event
that failed before) and response (the API's answer to a rejected event).

Examples:
  pulse-agent outbox
  pulse-agent outbox list --json --state rejected
)";

bool wants_help(const std::vector<std::string>& args) {
    return std::find(args.begin(), args.end(), "--help") != args.end() ||
           std::find(args.begin(), args.end(), "-h") != args.end();
}

std::string stop_text(pipeline::Stop stop) {
    switch (stop) {
    case pipeline::Stop::drained:
        return "nothing more is due";
    case pipeline::Stop::retry_later:
        return "the API asked us to retry later";
    case pipeline::Stop::configuration:
        return "the API refused the configuration";
    case pipeline::Stop::interrupted:
        return "interrupted";
    }
    return "";
}

void print_json_line(const outbox::Record& r) {
    nlohmann::ordered_json line = {
        {"state", outbox::state_name(r.state)},
        {"system", r.system},
        {"type", r.type},
        {"id", r.id},
        {"attempts", r.attempts},
        {"last_error", r.last_error},
        {"body", nlohmann::ordered_json::parse(r.body)},
    };
    if (r.last_status) {
        line["last_status"] = *r.last_status;
    }
    if (r.state == outbox::State::queued && r.attempts > 0) {
        line["next_attempt"] = r.next_attempt;
    }
    if (!r.response.empty()) {
        line["response"] = r.response;
    }
    // Stored text need not be UTF-8 (an API's answer, cut at 300 bytes or
    // not, an identifier): each invalid byte is printed as U+FFFD.
    std::cout << line.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace)
              << "\n";
}

void print_text_line(const outbox::Record& r) {
    std::cout << outbox::state_name(r.state) << "\t" << r.system << "\t" << r.type << "\t" << r.id
              << "\t" << r.attempts << "\t" << r.last_error << "\n";
}

int list_events(const std::vector<std::string>& args) {
    config::Overrides overrides;
    po::options_description options("Options");
    add_common_options(options, overrides);
    bool json = false;
    options.add_options()("json", po::bool_switch(&json), "one JSON object per line")(
        "state", po::value<std::string>(), "only events in this state");
    const auto vm = parse(args, options);
    std::optional<outbox::State> state;
    if (vm.count("state")) {
        const auto name = vm["state"].as<std::string>();
        if (name != "queued" && name != "delivered" && name != "rejected") {
            throw UsageError("--state must be queued, delivered or rejected");
        }
        state = name == "queued"      ? outbox::State::queued
                : name == "delivered" ? outbox::State::delivered
                                      : outbox::State::rejected;
    }
    auto box = pipeline::open_outbox(load_settings(overrides, config::KeyUse::skip));
    box.each(state, [json](const outbox::Record& record) {
        json ? print_json_line(record) : print_text_line(record);
    });
    return k_exit_ok;
}

} // namespace

int run_flush(const std::vector<std::string>& args) {
    config::Overrides overrides;
    po::options_description options("Options");
    add_common_options(options, overrides);
    options.add_options()("help,h", "show this help");
    if (wants_help(args)) {
        std::cout << k_flush_help << "\n" << options << "\n" << k_exit_codes_help;
        return k_exit_ok;
    }
    parse(args, options);
    const auto settings = load_settings(overrides, config::KeyUse::read);
    auto box = pipeline::open_outbox(settings);
    const auto derived =
        pipeline::derive_recorded_pushes(settings, box, pipeline::delivery_lock_patience(settings));
    hook::print_derivation(derived);
    if (!settings.api_key) {
        throw model::Failure("no API key: set PULSE_API_KEY, --api-key-file or api_key_file "
                             "in the config file");
    }
    const auto round =
        pipeline::deliver_due(settings, box, pipeline::delivery_lock_patience(settings));
    if (!round) {
        throw model::Failure("another pulse-agent process kept delivering this outbox; "
                             "try again later");
    }
    const auto counts = box.counts(model::now());
    std::cerr << "pulse-agent: delivered " << round->delivered << ", rejected " << round->rejected
              << ", still queued " << counts.queued << " (" << stop_text(round->stop) << ")\n";
    if (!round->problem.empty()) {
        std::cerr << "pulse-agent: last problem: " << round->problem << "\n";
    }
    switch (round->stop) {
    case pipeline::Stop::configuration:
        return k_exit_refused;
    case pipeline::Stop::retry_later:
        return k_exit_queued;
    default:
        break;
    }
    if (round->rejected > 0) {
        return k_exit_rejected;
    }
    // Events still waiting for their backoff are "queued, will be retried".
    return counts.queued > 0 ? k_exit_queued : k_exit_ok;
}

int run_outbox(const std::vector<std::string>& args) {
    if (wants_help(args)) {
        config::Overrides overrides;
        po::options_description options("Options");
        add_common_options(options, overrides);
        options.add_options()("json", "with `list`: one JSON object per line")(
            "state", po::value<std::string>(), "with `list`: only queued, delivered or rejected");
        std::cout << k_outbox_help << "\n" << options << "\n" << k_exit_codes_help;
        return k_exit_ok;
    }
    if (!args.empty() && args[0] == "list") {
        return list_events(std::vector<std::string>(args.begin() + 1, args.end()));
    }
    config::Overrides overrides;
    po::options_description options("Options");
    add_common_options(options, overrides);
    parse(args, options);
    const auto settings = load_settings(overrides, config::KeyUse::skip);
    auto box = pipeline::open_outbox(settings);
    const auto counts = box.counts(model::now());
    std::cout << "outbox: " << settings.outbox.string() << "\n"
              << "queued: " << counts.queued << " (" << counts.waiting << " waiting to retry)\n"
              << "delivered: " << counts.delivered << "\n"
              << "rejected: " << counts.rejected << "\n";
    const auto pushed = box.pushes().counts();
    std::cout << "recorded pushes: " << pushed.waiting << " waiting to be derived, "
              << pushed.failed << " failed\n";
    if (const auto problem = box.note(pipeline::k_problem_note); !problem.empty()) {
        std::cout << "last delivery problem: " << problem << "\n";
    }
    for (const auto& push : box.pushes().failed()) {
        std::cout << "failed push to '" << push.git_dir << "' at "
                  << model::format_rfc3339(push.pushed_at) << ": " << push.last_error << "\n";
    }
    box.each(outbox::State::rejected, [](const outbox::Record& r) {
        std::cout << "rejected " << r.type << " '" << r.id << "' (system '" << r.system
                  << "'): " << r.last_error << "\n";
    });
    return k_exit_ok;
}

} // namespace cli
