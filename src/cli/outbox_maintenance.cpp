#include "cli/outbox_maintenance.hpp"

#include "cli/options.hpp"
#include "outbox/health.hpp"
#include "pipeline/delivery.hpp"

#include <functional>
#include <iostream>
#include <map>
#include <optional>

namespace cli {

namespace {

// The prefix of a recorded push's ID, beside an event's plain number.
constexpr std::string_view k_push_prefix = "push-";

// What an ID on the command line names.
struct Target {
    bool push = false;
    std::int64_t seq = 0;
};

Target parse_target(const std::string& text) {
    const bool push = text.starts_with(k_push_prefix);
    const auto digits = push ? text.substr(k_push_prefix.size()) : text;
    if (digits.empty() || digits.find_first_not_of("0123456789") != std::string::npos ||
        digits.size() > 18) {
        throw UsageError("'" + text +
                         "' is not an ID: give the number `outbox list` shows for "
                         "an event, or push-N as `outbox` shows for a recorded push");
    }
    return {push, std::stoll(digits)};
}

// The arguments of one subcommand: the common options, its own, and the
// ID or file it names.
struct Invocation {
    config::Overrides overrides;
    po::options_description options{"Options"};
    std::vector<std::string> operands;
    po::variables_map vm;
};

void parse_invocation(Invocation& call, const std::vector<std::string>& args) {
    add_common_options(call.options, call.overrides);
    call.options.add_options()("operand", po::value(&call.operands)->composing(), "");
    po::positional_options_description positional;
    positional.add("operand", -1);
    call.vm = parse(args, call.options, &positional);
}

void expect_operands(const Invocation& call, std::size_t count, const char* what) {
    if (call.operands.size() != count) {
        throw UsageError(std::string("expected ") + what);
    }
}

int check(Invocation& call) {
    expect_operands(call, 0, "no arguments");
    const auto settings = load_settings(call.overrides, config::KeyUse::skip);
    const auto checkup = outbox::check(settings.outbox);
    std::cout << "outbox: " << settings.outbox.string() << "\n";
    if (checkup.schema_version) {
        std::cout << "schema version: " << *checkup.schema_version << "\n";
    }
    for (const auto& problem : checkup.problems) {
        std::cout << "problem: " << problem << "\n";
    }
    if (!checkup.problems.empty()) {
        std::cout << "damaged: run `pulse-agent outbox recover` to move it aside and salvage "
                     "every readable event into a new outbox\n";
        return k_exit_error;
    }
    std::cout << "ok\n";
    return k_exit_ok;
}

int recover(Invocation& call) {
    expect_operands(call, 0, "no arguments");
    const auto settings = load_settings(call.overrides, config::KeyUse::skip);
    const auto salvage = model::value_or_throw(outbox::recover(settings.outbox));
    std::cout << "moved the damaged outbox to '" << salvage.moved_to.string() << "'\n"
              << "salvaged: " << salvage.salvaged << " rows into a new '"
              << settings.outbox.string() << "'\n"
              << "lost: "
              << (salvage.lost ? std::to_string(*salvage.lost) + " rows that could not be read"
                               : std::string("unknown (parts of the file could not be read at "
                                             "all)"))
              << "\n";
    return salvage.lost == 0 ? k_exit_ok : k_exit_error;
}

int retry(Invocation& call) {
    const bool all = call.vm.count("all") && call.vm["all"].as<bool>();
    expect_operands(call, all ? 0 : 1, "an ID or --all");
    const auto target = all ? Target{} : parse_target(call.operands[0]);
    auto box = pipeline::open_outbox(load_settings(call.overrides, config::KeyUse::skip));
    if (all) {
        const auto events = box.retry_parked(std::nullopt);
        const auto pushes = box.pushes().retry_parked(std::nullopt);
        std::cout << "queued again: " << events << " parked events, " << pushes
                  << " parked pushes\n";
        return k_exit_ok;
    }
    const auto found =
        target.push ? box.pushes().retry_parked(target.seq) : box.retry_parked(target.seq);
    if (found == 0) {
        throw model::Failure("nothing parked has ID " + call.operands[0]);
    }
    std::cout << "queued " << call.operands[0] << " again\n";
    return k_exit_ok;
}

int drop(Invocation& call) {
    expect_operands(call, 1, "one ID");
    const auto target = parse_target(call.operands[0]);
    auto box = pipeline::open_outbox(load_settings(call.overrides, config::KeyUse::skip));
    const bool found =
        target.push ? box.pushes().drop_parked(target.seq) : box.drop_parked(target.seq);
    if (!found) {
        throw model::Failure("nothing parked has ID " + call.operands[0]);
    }
    std::cout << "dropped " << call.operands[0] << "\n";
    return k_exit_ok;
}

int prune(Invocation& call) {
    expect_operands(call, 0, "no arguments");
    const auto settings = load_settings(call.overrides, config::KeyUse::skip);
    auto box = pipeline::open_outbox(settings);
    if (!box.vacuums_incrementally()) {
        std::cout << "rebuilding the outbox once so that pruning frees space (VACUUM)...\n";
        box.switch_to_incremental_vacuum();
    }
    const auto days = settings.file.retention.delivered_days;
    const auto pruned = pipeline::prune_outbox(box, days);
    std::cout << "pruned: " << pruned.events << " delivered events older than " << days
              << " days (keys kept), " << pruned.pushes << " parked pushes\n";
    return k_exit_ok;
}

int backup(Invocation& call) {
    expect_operands(call, 1, "the backup file");
    const std::filesystem::path target = call.operands[0];
    const bool force = call.vm.count("force") && call.vm["force"].as<bool>();
    std::error_code ec;
    if (std::filesystem::exists(std::filesystem::symlink_status(target, ec)) && !force) {
        throw model::Failure("'" + target.string() + "' exists; give --force to replace it");
    }
    auto box = pipeline::open_outbox_to_read(load_settings(call.overrides, config::KeyUse::skip));
    for (const auto& file : {target, std::filesystem::path(target.string() + "-wal"),
                             std::filesystem::path(target.string() + "-shm"),
                             std::filesystem::path(target.string() + "-journal")}) {
        std::filesystem::remove(file, ec);
    }
    if (auto done = box.backup_to(target); !done) {
        throw model::Failure(done.error());
    }
    std::cout << "backed up '" << box.path().string() << "' to '" << target.string() << "'\n";
    return k_exit_ok;
}

using Subcommand = std::function<int(Invocation&)>;

const std::map<std::string, Subcommand>& subcommands() {
    static const std::map<std::string, Subcommand> k_subcommands = {
        {"check", check}, {"recover", recover}, {"retry", retry},
        {"drop", drop},   {"prune", prune},     {"backup", backup},
    };
    return k_subcommands;
}

} // namespace

bool is_maintenance_command(const std::string& name) {
    return subcommands().contains(name);
}

int run_outbox_maintenance(const std::string& name, const std::vector<std::string>& args) {
    Invocation call;
    if (name == "retry") {
        call.options.add_options()("all", po::bool_switch(), "every parked event and push");
    }
    if (name == "backup") {
        call.options.add_options()("force", po::bool_switch(), "replace an existing file");
    }
    parse_invocation(call, args);
    return subcommands().at(name)(call);
}

} // namespace cli
