#include "config/config.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>
#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/yaml.h>

namespace config {

namespace {

// How deep yaml-cpp nests before it gives up with the bare "bad file".
constexpr const char* k_too_deep = "nesting too deep (at most a few hundred levels)";

// Return where a quoted scalar starting at `open` ends (just past its closing
// quote), or npos when it never closes: yaml-cpp takes an unterminated quote
// to run to the end of the file, which silently swallows the keys after it.
std::size_t quote_end(std::string_view text, std::size_t open) {
    const char quote = text[open];
    for (std::size_t i = open + 1; i < text.size(); ++i) {
        if (quote == '"' && text[i] == '\\') {
            ++i;
        } else if (text[i] == quote) {
            if (quote == '\'' && i + 1 < text.size() && text[i + 1] == '\'') {
                ++i;
                continue;
            }
            return i + 1;
        }
    }
    return std::string_view::npos;
}

// Reads one YAML document into Config, throwing located errors.
class Reader {
public:
    Reader(std::string file, std::string_view text) : m_file(std::move(file)), m_text(text) {}

    [[noreturn]] void error_at(const YAML::Node& node, const std::string& message) const {
        const auto mark = node.Mark();
        throw model::Failure(m_file + ":" + std::to_string(mark.line + 1) + ":" +
                             std::to_string(mark.column + 1) + ": " + message);
    }

    void expect_map(const YAML::Node& node, const std::string& what,
                    const std::set<std::string>& keys) const {
        if (!node.IsMap()) {
            error_at(node, what + " must be a mapping");
        }
        std::set<std::string> seen;
        for (const auto& item : node) {
            if (!item.first.IsScalar()) {
                error_at(item.first, "a key in " + what + " must be a plain name");
            }
            const auto key = item.first.Scalar();
            if (!keys.contains(key)) {
                error_at(item.first, "unknown key '" + key + "' in " + what);
            }
            if (!seen.insert(key).second) {
                error_at(item.first, "'" + key + "' is given twice in " + what);
            }
            check_quotes(item.second);
        }
    }

    // Fail on a quoted scalar whose quote never closes.
    void check_quotes(const YAML::Node& node) const {
        if (!node.IsScalar() || node.Tag() != "!") {
            return;
        }
        const auto open = static_cast<std::size_t>(node.Mark().pos);
        if (open < m_text.size() && (m_text[open] == '"' || m_text[open] == '\'') &&
            quote_end(m_text, open) == std::string_view::npos) {
            error_at(node, "unterminated quoted string");
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

    void read_seconds(const YAML::Node& map, const char* key, long& out) const {
        read(map, key, out, "a whole number of seconds");
        if (map[key] && out <= 0) {
            error_at(map[key], std::string("'") + key + "' must be positive");
        }
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

    Repository read_repository(const YAML::Node& node) const {
        Repository repo;
        if (node.IsScalar()) {
            repo.path = node.Scalar();
            return repo;
        }
        expect_map(node, "a repository",
                   {"path", "system", "strategy", "tag_pattern", "deploy_branch", "branches"});
        if (!node["path"]) {
            error_at(node, "a repository needs a 'path'");
        }
        read(node, "path", repo.path, "a string");
        read(node, "system", repo.system);
        read(node, "strategy", repo.strategy);
        if (repo.strategy && *repo.strategy != "tags" && *repo.strategy != "branch" &&
            *repo.strategy != "none") {
            error_at(node["strategy"], "'strategy' must be tags, branch or none");
        }
        read(node, "tag_pattern", repo.tag_pattern);
        read(node, "deploy_branch", repo.deploy_branch);
        if (node["branches"]) {
            repo.branches = read_strings(node["branches"], "branches");
        }
        return repo;
    }

    Retention read_retention(const YAML::Node& node) const {
        Retention retention;
        expect_map(node, "retention", {"delivered_days"});
        read(node, "delivered_days", retention.delivered_days, "a whole number of days");
        if (node["delivered_days"] && retention.delivered_days < 0) {
            error_at(node["delivered_days"], "'delivered_days' must not be negative");
        }
        return retention;
    }

    Config read_root(const YAML::Node& root) const {
        Config config;
        config.file = m_file;
        if (!root || root.IsNull()) {
            return config;
        }
        expect_map(root, "the config file",
                   {"api_key", "api_key_file", "base_url", "outbox", "system", "timeouts", "retry",
                    "hook", "watch", "retention", "repositories"});
        read(root, "api_key", config.api_key);
        read(root, "api_key_file", config.api_key_file);
        read(root, "base_url", config.base_url);
        read(root, "outbox", config.outbox);
        read(root, "system", config.system);
        if (const auto node = root["timeouts"]) {
            expect_map(node, "timeouts", {"connect", "total", "low_speed"});
            read_seconds(node, "connect", config.timeouts.connect);
            read_seconds(node, "total", config.timeouts.total);
            read_seconds(node, "low_speed", config.timeouts.low_speed);
        }
        if (const auto node = root["retry"]) {
            expect_map(node, "retry",
                       {"initial_backoff", "max_backoff", "max_retry_after", "max_age"});
            read_seconds(node, "initial_backoff", config.retry.initial_backoff);
            read_seconds(node, "max_backoff", config.retry.max_backoff);
            read_seconds(node, "max_retry_after", config.retry.max_retry_after);
            read_seconds(node, "max_age", config.retry.max_age);
        }
        if (const auto node = root["hook"]) {
            expect_map(node, "hook", {"quiet", "deliver"});
            read(node, "quiet", config.hook.quiet, "true or false");
            read(node, "deliver", config.hook.deliver, "a string");
            if (config.hook.deliver != "background" && config.hook.deliver != "none") {
                error_at(node["deliver"], "'deliver' must be background or none");
            }
        }
        if (const auto node = root["watch"]) {
            expect_map(node, "watch",
                       {"interval", "fetch", "fetch_timeout", "backfill_on_first_sight"});
            read_seconds(node, "interval", config.watch.interval);
            read(node, "fetch", config.watch.fetch, "true or false");
            read_seconds(node, "fetch_timeout", config.watch.fetch_timeout);
            read(node, "backfill_on_first_sight", config.watch.backfill_on_first_sight,
                 "true or false");
        }
        if (const auto node = root["retention"]) {
            config.retention = read_retention(node);
        }
        if (const auto node = root["repositories"]) {
            if (!node.IsSequence()) {
                error_at(node, "'repositories' must be a list");
            }
            for (const auto& item : node) {
                config.repositories.push_back(read_repository(item));
            }
        }
        return config;
    }

private:
    std::string m_file;
    std::string_view m_text;
};

// Return yaml-cpp's error as "file:line:col: message".
std::string located(const std::string& file_name, const YAML::Mark& mark,
                    const std::string& message) {
    return file_name + ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1) +
           ": " + message;
}

// Return the line (0-based) of a "---" that starts a second document, if any:
// a marker after content. YAML::LoadAll is not used to find it, as it loops
// for ever on some malformed input (found by the config fuzz target).
std::optional<std::size_t> second_document(std::string_view text) {
    bool content = false;
    std::size_t line = 0;
    for (std::size_t start = 0; start < text.size(); ++line) {
        const auto end = std::min(text.find('\n', start), text.size());
        const auto row = text.substr(start, end - start);
        const bool marker = row.starts_with("---") &&
                            (row.size() == 3 || row[3] == ' ' || row[3] == '\t' || row[3] == '\r');
        if (marker && content) {
            return line;
        }
        const auto first = row.find_first_not_of(" \t\r");
        content = content || (!marker && first != std::string_view::npos && row[first] != '#');
        start = end + 1;
    }
    return std::nullopt;
}

// Return the file's one YAML document (an empty file has none).
YAML::Node only_document(const std::string& text, const std::string& file_name) {
    if (const auto line = second_document(text)) {
        throw model::Failure(file_name + ":" + std::to_string(*line + 1) +
                             ":1: a config file holds one YAML document");
    }
    return YAML::Load(text);
}

} // namespace

model::Expected<Config> parse_config(std::string_view text, const std::string& file_name) {
    const std::string owned(text);
    try {
        return Reader(file_name, owned).read_root(only_document(owned, file_name));
    } catch (const YAML::DeepRecursion& e) {
        return model::fail(located(file_name, e.mark, k_too_deep));
    } catch (const YAML::Exception& e) {
        return model::fail(located(file_name, e.mark, e.msg));
    } catch (const model::Failure& e) {
        return model::fail(e.what());
    }
}

model::Expected<Config> load_config(const std::filesystem::path& path) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) {
        return model::fail("reading config '" + path.string() + "': it is a directory, not a file");
    }
    std::ifstream in(path);
    if (!in) {
        return model::fail("reading config '" + path.string() + "': " + std::strerror(errno));
    }
    std::ostringstream text;
    text << in.rdbuf();
    return parse_config(text.str(), path.string());
}

} // namespace config
