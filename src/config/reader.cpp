#include "config/reader.hpp"

#include "config/yaml_text.hpp"
#include "util/listen_address.hpp"

#include <algorithm>
#include <optional>
#include <regex>
#include <set>
#include <string>

namespace config {

namespace {

// A problem that ends reading one key, one repository entry or one section.
struct KeyError {
    Problem problem;
};

// The longest time a config file may give: ten years, far from overflowing in ms.
constexpr long k_max_seconds = 315'360'000;

// The top-level keys of a config file.
const std::set<std::string> k_sections = {
    "api_key",  "api_key_file", "base_url", "outbox", "system",    "spool", "trusted_owners",
    "timeouts", "retry",        "hook",     "watch",  "retention", "log",   "metrics",
    "health",   "repositories"};

// Reads one YAML document into Config, collecting located problems: a key
// with a problem keeps its fallback and the rest is read all the same.
class Reader {
public:
    Reader(std::string file, std::string_view text) : m_file(std::move(file)), m_text(text) {}

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
    Problem problem_at(const YAML::Node& node, const std::string& message) const {
        auto problem = located_problem(m_file, node.Mark(), message);
        problem.section = m_section;
        return problem;
    }

    [[noreturn]] void error_at(const YAML::Node& node, const std::string& message) const {
        throw KeyError{problem_at(node, message)};
    }

    Problem& note(const YAML::Node& node, const std::string& message, const char* fallback) {
        auto problem = problem_at(node, message);
        problem.fallback = fallback;
        m_problems.push_back(std::move(problem));
        return m_problems.back();
    }

    // Run one key's reader; a problem it meets is noted and leaves the key as it was.
    template <typename ReadKey>
    void guarded(ReadKey&& read_key) {
        try {
            read_key();
        } catch (const KeyError& e) {
            m_problems.push_back(e.problem);
        }
    }

    // Read a top-level key, if given, noting its problems under its name.
    template <typename ReadKey>
    void section(const YAML::Node& root, const char* name, ReadKey&& read_key) {
        if (const auto node = root[name]) {
            m_section = name;
            guarded([&] { read_key(node); });
            m_section.clear();
        }
    }

    // Note every key of a mapping that is not a plain name, unknown or repeated.
    void expect_map(const YAML::Node& node, const std::string& what,
                    const std::set<std::string>& keys) {
        if (!node.IsMap()) {
            error_at(node, what + " must be a mapping");
        }
        std::set<std::string> seen;
        for (const auto& item : node) {
            check_quotes(item.second);
            if (!item.first.IsScalar()) {
                note(item.first, "a key in " + what + " must be a plain name", "ignoring it");
            } else if (!keys.contains(item.first.Scalar())) {
                note(item.first, "unknown key '" + item.first.Scalar() + "' in " + what,
                     "ignoring it");
            } else if (!seen.insert(item.first.Scalar()).second) {
                auto& problem =
                    note(item.first, "'" + item.first.Scalar() + "' is given twice in " + what,
                         "using the first");
                // A repeated top-level key concerns only the commands that use it.
                problem.section = m_section.empty() ? item.first.Scalar() : m_section;
            }
        }
    }

    // Fail on a quoted scalar whose quote never closes: yaml-cpp has taken
    // the rest of the file into it.
    void check_quotes(const YAML::Node& node) const {
        if (!node.IsScalar() || node.Tag() != "!") {
            return;
        }
        const auto open = static_cast<std::size_t>(node.Mark().pos);
        if (open < m_text.size() && (m_text[open] == '"' || m_text[open] == '\'') &&
            quote_end(m_text, open) == std::string_view::npos) {
            auto problem = problem_at(node, "unterminated quoted string");
            problem.section.clear();
            problem.fallback = "using the defaults";
            throw FileError{problem};
        }
    }

    template <typename T>
    void read(const YAML::Node& map, const char* key, T& out, const char* type_name) const {
        const YAML::Node node = map[key];
        if (!node) {
            return;
        }
        if (!node.IsScalar()) {
            error_at(node, std::string("'") + key + "' must be " + type_name);
        }
        try {
            out = node.as<T>();
        } catch (const YAML::BadConversion&) {
            error_at(node, std::string("'") + key + "' must be " + type_name + ", not '" +
                               node.Scalar() + "'");
        }
    }

    void read(const YAML::Node& map, const char* key, std::optional<std::string>& out) const {
        if (map[key]) {
            std::string value;
            read(map, key, value, "a string");
            out = value;
        }
    }

    void read_seconds(const YAML::Node& map, const char* key, long& out) {
        guarded([&] {
            long value = out;
            read(map, key, value, "a whole number of seconds");
            if (map[key] && value <= 0) {
                error_at(map[key], std::string("'") + key + "' must be positive");
            }
            if (map[key] && value > k_max_seconds) {
                error_at(map[key], std::string("'") + key + "' must be at most " +
                                       std::to_string(k_max_seconds) + " (ten years)");
            }
            out = value;
        });
    }

    std::vector<std::string> read_strings(const YAML::Node& node, const char* key) const {
        if (node.IsScalar()) {
            return {node.Scalar()};
        }
        if (!node.IsSequence()) {
            error_at(node, std::string("'") + key + "' must be a string or a list of strings");
        }
        std::vector<std::string> values;
        for (const auto& item : node) {
            if (!item.IsScalar()) {
                error_at(item, std::string("'") + key + "' must list strings");
            }
            check_quotes(item);
            values.push_back(item.Scalar());
        }
        return values;
    }

    // Read a key that must be one of a few words.
    void read_choice(const YAML::Node& map, const char* key, std::optional<std::string>& out,
                     const std::set<std::string>& words, const std::string& expected) {
        guarded([&] {
            std::optional<std::string> value;
            read(map, key, value);
            if (value && !words.contains(*value)) {
                error_at(map[key], std::string("'") + key + "' must be " + expected);
            }
            out = value ? value : out;
        });
    }

    // Read a regular expression, compiled as derive compiles tag patterns.
    void read_regex(const YAML::Node& map, const char* key, std::optional<std::string>& out) {
        guarded([&] {
            std::optional<std::string> value;
            read(map, key, value);
            try {
                if (value) {
                    std::regex compiled(*value);
                }
            } catch (const std::regex_error& e) {
                error_at(map[key],
                         std::string("'") + key + "' is not a regular expression: " + e.what());
            }
            out = value;
        });
    }

    void read_url(const YAML::Node& map, const char* key, std::optional<std::string>& out) {
        std::optional<std::string> value;
        read(map, key, value);
        const auto scheme = value ? scheme_of(*value) : "";
        if (value && scheme != "http" && scheme != "https") {
            error_at(map[key], std::string("'") + key +
                                   "' must be a URL that starts with http:// or https://");
        }
        out = value;
    }

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
            } catch (const KeyError& e) {
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

    std::string m_file;
    std::string_view m_text;
    // The top-level key being read, named in its problems.
    std::string m_section;
    std::vector<Problem> m_problems;
};

} // namespace

ParsedConfig read_document(const YAML::Node& root, const std::string& file_name,
                           std::string_view text) {
    return Reader(file_name, text).read(root);
}

} // namespace config
