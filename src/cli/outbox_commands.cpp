#include "cli/outbox_commands.hpp"

#include "cli/lag_text.hpp"
#include "cli/options.hpp"
#include "cli/outbox_maintenance.hpp"
#include "hook/detached_delivery.hpp"
#include "outbox/push_queue.hpp"
#include "pipeline/delivery.hpp"
#include "pipeline/recorded_pushes.hpp"
#include "util/stop_signals.hpp"

#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace cli {

namespace {

const char* const k_flush_help = R"(Usage: pulse-agent flush [OPTIONS]

Derive the events of the pushes post-receive hooks recorded and have not
derived yet (their background process was killed, say), then deliver every
queued event now, even one waiting out its retry backoff, oldest first (in
order within each system), over one connection. Stops at the first answer that says "later"
(5xx, 429, network or TLS error: the event is retried with backoff) or "fix
the configuration" (401, 403, 404, redirect). Events the API rejects (other
4xx), or answers with failures for longer than retry.max_age, are parked,
with the answer, and the rest go on. Then prunes what retention allows
(retention.delivered_days).

Examples:
  PULSE_API_KEY=... pulse-agent flush
  pulse-agent flush --config /etc/pulse-agent/config.yaml
)";

const char* const k_outbox_help = R"(Usage: pulse-agent outbox [OPTIONS]
       pulse-agent outbox list [--json] [--state queued|delivered|parked]
       pulse-agent outbox retry (ID | --all)
       pulse-agent outbox drop ID
       pulse-agent outbox check | recover | prune
       pulse-agent outbox backup FILE [--force]

Show the outbox: how many events are queued, delivered and parked, the lag
(the oldest queued event's age, how long delivery has been failing, the
events delivered in the last 5 minutes), how many pushes recorded by
post-receive hooks wait to be derived or are parked, the last delivery
problem, and every parked event and push with its ID and the reason; with
--json the counts, the lag and the problem as one JSON object. Parked means waiting for you: the API rejected the event (4xx) or
failed on it for longer than retry.max_age, or a push could not be derived.

  list     every event: ID, state, system, type, id, attempts, last error; with
           --json one JSON object per line with seq (the ID), state, system,
           type, id, attempts, last_error and body (the exact JSON that is or
           was sent; only a change's time once pruned), and when known
           last_status, next_attempt (Unix seconds, for a queued event that
           failed before) and response (the API's answer to a parked event)
  retry    queue a parked event (ID from `list`) or push (push-N) again, or all
  drop     forget a parked event or push for good
  check    SQLite's integrity check, the WAL's header and the schema; exit 1
           with what is wrong when the outbox is damaged
  recover  move a damaged outbox aside (OUTBOX.corrupt-TIME, with its -wal and
           -shm) and copy every row that can be read into a new one; prints
           how many rows were salvaged and lost (exit 1 when any was lost)
  prune    drop the bodies of events delivered more than
           retention.delivered_days ago (their keys stay, so nothing is sent
           twice), remove parked pushes that old, and give the space back
           (an outbox made by an earlier version is rebuilt once: VACUUM,
           which needs as much free disk as the outbox takes)
  backup   copy the outbox, consistent, through SQLite's online backup, while
           others use it; refuses to replace FILE without --force. A plain
           `cp` of the outbox is not a backup: it misses or tears the -wal,
           and restoring it resends what was delivered since.

Examples:
  pulse-agent outbox
  pulse-agent outbox --json
  pulse-agent outbox list --json --state parked
  pulse-agent outbox retry --all
  pulse-agent outbox backup /var/backups/pulse-outbox.db
)";

std::string stop_text(pipeline::Stop stop) {
    switch (stop) {
    case pipeline::Stop::drained:
        return "nothing more is due";
    case pipeline::Stop::retry_later:
        return "the API failed; it will be retried";
    case pipeline::Stop::configuration:
        return "the API refused the configuration";
    case pipeline::Stop::interrupted:
        return "interrupted";
    }
    return "";
}

std::string stop_text(const pipeline::Report& round) {
    if (round.stop == pipeline::Stop::retry_later && round.unreachable) {
        return "could not reach the API; it will be retried";
    }
    return stop_text(round.stop);
}

void print_json_line(const outbox::Record& r) {
    nlohmann::ordered_json line = {
        {"seq", r.seq},
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
    std::cout << r.seq << "\t" << outbox::state_name(r.state) << "\t" << r.system << "\t" << r.type
              << "\t" << r.id << "\t" << r.attempts << "\t" << r.last_error << "\n";
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
        state = outbox::parse_state_name(vm["state"].as<std::string>());
        if (!state) {
            throw UsageError("--state must be queued, delivered or parked");
        }
    }
    auto box = pipeline::open_outbox_to_read(load_settings(overrides, config::KeyUse::skip));
    box.each(state, [json](const outbox::Record& record) {
        json ? print_json_line(record) : print_text_line(record);
    });
    return k_exit_ok;
}

void print_summary(const config::Settings& settings, outbox::Outbox& box) {
    const auto now = model::now();
    const auto counts = box.counts(now);
    std::cout << "outbox: " << settings.outbox.string() << "\n"
              << "queued: " << counts.queued << " (" << counts.waiting << " waiting to retry)\n"
              << "delivered: " << counts.delivered << "\n"
              << "parked: " << counts.parked << "\n"
              << "lag: " << lag_line(box.lag(now)) << "\n";
    const auto pushed = box.pushes().counts();
    std::cout << "recorded pushes: " << pushed.waiting << " waiting to be derived, "
              << pushed.failed << " parked\n";
    if (const auto problem = box.note(pipeline::k_problem_note); !problem.empty()) {
        std::cout << "last delivery problem: " << problem << "\n";
    }
    std::istringstream pace(box.note(pipeline::k_pace_note));
    long concurrency = 0;
    long round_trip = 0;
    model::UnixSeconds at = 0;
    if (pace >> concurrency >> round_trip >> at) {
        std::cout << "delivery pace: " << concurrency << " request" << (concurrency == 1 ? "" : "s")
                  << " in flight at most, round trip " << round_trip
                  << " ms (the last round that delivered, at " << model::format_rfc3339(at)
                  << ")\n";
    }
    for (const auto& push : box.pushes().failed()) {
        std::cout << "parked push-" << push.seq << " to '" << push.git_dir << "' at "
                  << model::format_rfc3339(push.pushed_at) << ": " << push.last_error << "\n";
    }
    box.each(outbox::State::parked, [](const outbox::Record& r) {
        std::cout << "parked " << r.seq << ": " << r.type << " '" << r.id << "' (system '"
                  << r.system << "'): " << r.last_error << "\n";
    });
    if (counts.parked > 0 || pushed.failed > 0) {
        std::cout << "(`pulse-agent outbox retry ID|--all` queues them again, "
                     "`pulse-agent outbox drop ID` forgets one)\n";
    }
}

void print_summary_json(const config::Settings& settings, outbox::Outbox& box) {
    const auto now = model::now();
    const auto counts = box.counts(now);
    const auto pushed = box.pushes().counts();
    const nlohmann::ordered_json json = {
        {"outbox", settings.outbox.string()},
        {"events",
         {{"queued", counts.queued},
          {"waiting", counts.waiting},
          {"delivered", counts.delivered},
          {"parked", counts.parked}}},
        {"lag", lag_json(box.lag(now))},
        {"recorded_pushes", {{"waiting", pushed.waiting}, {"parked", pushed.failed}}},
        {"last_delivery_problem", box.note(pipeline::k_problem_note)},
    };
    std::cout << json.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << "\n";
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
    // Whoever runs flush wants the queue tried now, not when backoff allows.
    // SIGTERM or Ctrl-C let the requests in flight end (delivery.stop_grace)
    // and record their answers, so that none is sent twice; a second one
    // stops at once.
    const util::StopSignals signals;
    const auto round = pipeline::deliver_due(
        settings, box, pipeline::delivery_lock_patience(settings), true, &signals.flag());
    if (!round) {
        throw model::Failure("another pulse-agent process kept delivering this outbox; "
                             "try again later");
    }
    const auto counts = box.counts(model::now());
    std::cerr << "pulse-agent: delivered " << round->delivered << ", parked " << round->rejected
              << ", still queued " << counts.queued << " (" << stop_text(*round) << ")\n";
    if (!round->problem.empty()) {
        std::cerr << "pulse-agent: last problem: " << round->problem << "\n";
    }
    if (auto pruned = pipeline::prune_now_and_then(box, settings.file.retention.delivered_days);
        !pruned) {
        std::cerr << "pulse-agent: warning: " << pruned.error().message << "\n";
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
    if (!args.empty() && is_maintenance_command(args[0]) && !wants_help(args)) {
        return run_outbox_maintenance(args[0],
                                      std::vector<std::string>(args.begin() + 1, args.end()));
    }
    if (wants_help(args)) {
        config::Overrides overrides;
        po::options_description options("Options");
        add_common_options(options, overrides);
        options.add_options()("json", "one JSON object (with `list`: one per line)")(
            "state", po::value<std::string>(), "with `list`: only queued, delivered or parked")(
            "all", "with `retry`: every parked event and push")(
            "force", "with `backup`: replace an existing file");
        std::cout << k_outbox_help << "\n" << options << "\n" << k_exit_codes_help;
        return k_exit_ok;
    }
    if (!args.empty() && args[0] == "list") {
        return list_events(std::vector<std::string>(args.begin() + 1, args.end()));
    }
    if (!args.empty() && !args[0].starts_with("-")) {
        throw UsageError("unknown outbox subcommand '" + args[0] +
                         "' (list, check, recover, retry, drop, prune, backup)");
    }
    config::Overrides overrides;
    po::options_description options("Options");
    add_common_options(options, overrides);
    bool json = false;
    options.add_options()("json", po::bool_switch(&json), "one JSON object");
    parse(args, options);
    const auto settings = load_settings(overrides, config::KeyUse::skip);
    auto box = pipeline::open_outbox_to_read(settings);
    json ? print_summary_json(settings, box) : print_summary(settings, box);
    return k_exit_ok;
}

} // namespace cli
