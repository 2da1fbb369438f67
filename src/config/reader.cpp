#include "config/reader.hpp"

#include "config/key_reader.hpp"
#include "util/listen_address.hpp"

#include <algorithm>
#include <optional>
#include <regex>
#include <set>
#include <string>

namespace config {

namespace {

// The top-level keys of a config file.
const std::set<std::string> k_sections = {
    "api_key",        "api_key_file", "base_url", "outbox",   "system",      "spool",
    "trusted_owners", "timeouts",     "retry",    "delivery", "hook",        "watch",
    "retention",      "log",          "metrics",  "health",   "repositories"};
// The most requests `delivery.concurrency` may allow in flight.
constexpr long k_max_concurrency = 1000;

// Reads one YAML document into Config, collecting located problems: a key
// with a problem keeps its fallback and the rest is read all the same.
class Reader : public reading::KeyReader {
public:
    using KeyReader::KeyReader;

    ParsedConfig read(const YAML::Node& root) {
        ParsedConfig parsed;
        parsed.config.file = m_file;
        try {
            if (root && !root.IsNull()) {
                read_root(root, parsed.config);
            }
        } catch (const FileError& e) {
            parsed.config = Config{};
            parsed.config.file = m_file;
            m_problems = {e.problem};
        }
        std::stable_sort(m_problems.begin(), m_problems.end(), [](const auto& a, const auto& b) {
            return std::pair(a.line, a.column) < std::pair(b.line, b.column);
        });
        parsed.problems = std::move(m_problems);
        return parsed;
    }

private:
    using KeyReader::read;

    Repository read_repository(const YAML::Node& node) {
        Repository repo;
        if (node.IsScalar()) {
            check_quotes(node);
            repo.path = node.Scalar();
            return repo;
        }
        expect_map(node, "a repository",
                   {"path", "system", "strategy", "tag_pattern", "deploy_branch", "branches",
                    "incidents"});
        if (!node["path"]) {
            error_at(node, "a repository needs a 'path'");
        }
        read(node, "path", repo.path, "a string");
        guarded([&] { read(node, "system", repo.system); });
        read_choice(node, "strategy", repo.strategy, {"tags", "branch", "none"},
                    "tags, branch or none");
        read_regex(node, "tag_pattern", repo.tag_pattern);
        guarded([&] { read(node, "deploy_branch", repo.deploy_branch); });
        guarded([&] {
            if (node["branches"]) {
                repo.branches = read_strings(node["branches"], "branches");
            }
        });
        guarded([&] { read_incidents(node, repo); });
        return repo;
    }

    void read_incidents(const YAML::Node& node, Repository& repo) {
        if (!node["incidents"]) {
            return;
        }
        auto names = read_strings(node["incidents"], "incidents");
        for (const auto& name : names) {
            if (name != "reverts" && name != "rollbacks") {
                error_at(node["incidents"],
                         "'incidents' lists reverts, rollbacks, not '" + name + "'");
            }
        }
        repo.incidents = std::move(names);
    }

    void read_repositories(const YAML::Node& node, std::vector<Repository>& out) {
        if (!node.IsSequence()) {
            error_at(node, "'repositories' must be a list");
        }
        for (const auto& item : node) {
            try {
                out.push_back(read_repository(item));
            } catch (const reading::KeyError& e) {
                m_problems.push_back(e.problem);
                m_problems.back().fallback = "ignoring this repository";
            }
        }
    }

    void read_hook(const YAML::Node& node, Hook& hook) {
        expect_map(node, "hook", {"quiet", "deliver"});
        guarded([&] { read(node, "quiet", hook.quiet, "true or false"); });
        const auto before = m_problems.size();
        std::optional<std::string> deliver;
        read_choice(node, "deliver", deliver, {"background", "none", "service"},
                    "background, none or service");
        if (m_problems.size() > before) {
            // A guess could deliver twice (from the hook and the service): deliver nothing.
            hook.deliver = "none";
            m_problems.back().fallback = "using none";
        } else if (deliver) {
            hook.deliver = *deliver;
        }
    }

    void read_root(const YAML::Node& root, Config& config) {
        if (!root.IsMap()) {
            auto problem = problem_at(root, "the config file must be a mapping");
            problem.fallback = "using the defaults";
            throw FileError{problem};
        }
        expect_map(root, "the config file", k_sections);
        section(root, "api_key", [&](auto) { read(root, "api_key", config.api_key); });
        section(root, "api_key_file",
                [&](auto) { read(root, "api_key_file", config.api_key_file); });
        section(root, "base_url", [&](auto) { read_url(root, "base_url", config.base_url); });
        section(root, "outbox", [&](auto) { read(root, "outbox", config.outbox); });
        section(root, "system", [&](auto) { read(root, "system", config.system); });
        section(root, "spool", [&](auto) { read(root, "spool", config.spool); });
        section(root, "trusted_owners", [&](const YAML::Node& node) {
            config.trusted_owners = read_strings(node, "trusted_owners");
        });
        section(root, "timeouts", [&](const YAML::Node& node) {
            expect_map(node, "timeouts", {"connect", "total", "low_speed"});
            read_seconds(node, "connect", config.timeouts.connect);
            read_seconds(node, "total", config.timeouts.total);
            read_seconds(node, "low_speed", config.timeouts.low_speed);
        });
        section(root, "retry", [&](const YAML::Node& node) { read_retry(node, config.retry); });
        section(root, "delivery",
                [&](const YAML::Node& node) { read_delivery(node, config.delivery); });
        section(root, "hook", [&](const YAML::Node& node) { read_hook(node, config.hook); });
        section(root, "watch", [&](const YAML::Node& node) { read_watch(node, config.watch); });
        section(root, "retention", [&](const YAML::Node& node) {
            expect_map(node, "retention", {"delivered_days"});
            read(node, "delivered_days", config.retention.delivered_days, "a whole number of days");
            if (node["delivered_days"] && config.retention.delivered_days < 0) {
                error_at(node["delivered_days"], "'delivered_days' must not be negative");
            }
        });
        section(root, "log", [&](const YAML::Node& node) {
            expect_map(node, "log", {"level", "format"});
            read_choice(node, "level", config.log.level, k_log_levels,
                        "trace, debug, info, warning, error, critical or off");
            read_choice(node, "format", config.log.format, {"text", "json"}, "text or json");
        });
        section(root, "metrics",
                [&](const YAML::Node& node) { read_metrics(node, config.metrics); });
        section(root, "health", [&](const YAML::Node& node) {
            expect_map(node, "health", {"failing_after"});
            read_seconds(node, "failing_after", config.health.failing_after);
        });
        section(root, "repositories",
                [&](const YAML::Node& node) { read_repositories(node, config.repositories); });
    }

    void read_metrics(const YAML::Node& node, Metrics& metrics) {
        expect_map(node, "metrics", {"listen", "textfile"});
        guarded([&] {
            read(node, "listen", metrics.listen);
            const auto address = util::parse_listen_address(metrics.listen.value_or("[::]:0"));
            if (!address) {
                metrics.listen.reset();
                error_at(node["listen"], "'listen' " + address.error());
            }
        });
        guarded([&] { read(node, "textfile", metrics.textfile); });
    }

    void read_retry(const YAML::Node& node, model::RetryPolicy& retry) {
        expect_map(node, "retry", {"initial_backoff", "max_backoff", "max_retry_after", "max_age"});
        read_seconds(node, "initial_backoff", retry.initial_backoff);
        read_seconds(node, "max_backoff", retry.max_backoff);
        read_seconds(node, "max_retry_after", retry.max_retry_after);
        read_seconds(node, "max_age", retry.max_age);
    }

    void read_delivery(const YAML::Node& node, model::DeliveryPolicy& delivery) {
        expect_map(node, "delivery", {"concurrency", "stop_grace"});
        guarded([&] {
            long value = delivery.concurrency;
            read(node, "concurrency", value, "a whole number of requests");
            if (node["concurrency"] && (value < 1 || value > k_max_concurrency)) {
                error_at(node["concurrency"], "'concurrency' must be from 1 to 1000");
            }
            delivery.concurrency = value;
        });
        read_seconds(node, "stop_grace", delivery.stop_grace);
    }

    void read_watch(const YAML::Node& node, Watch& watch) {
        expect_map(node, "watch",
                   {"interval", "fetch", "fetch_timeout", "backfill_on_first_sight"});
        read_seconds(node, "interval", watch.interval);
        guarded([&] { read(node, "fetch", watch.fetch, "true or false"); });
        read_seconds(node, "fetch_timeout", watch.fetch_timeout);
        guarded([&] {
            read(node, "backfill_on_first_sight", watch.backfill_on_first_sight, "true or false");
        });
    }
};

} // namespace

ParsedConfig read_document(const YAML::Node& root, const std::string& file_name,
                           std::string_view text) {
    return Reader(file_name, text).read(root);
}

} // namespace config
