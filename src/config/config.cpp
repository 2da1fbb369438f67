#include "config/config.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>
#include <yaml-cpp/yaml.h>

namespace config {

namespace {

// Reads one YAML document into Config, throwing located errors.
class Reader {
public:
    explicit Reader(std::string file) : m_file(std::move(file)) {}

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
        for (const auto& item : node) {
            // A YAML key may itself be a list or a mapping, which as<> throws on.
            if (!item.first.IsScalar()) {
                error_at(item.first, "a key in " + what + " must be a name");
            }
            const auto key = item.first.as<std::string>();
            if (!keys.contains(key)) {
                error_at(item.first, "unknown key '" + key + "' in " + what);
            }
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

    Config read_root(const YAML::Node& root) const {
        Config config;
        config.file = m_file;
        if (!root || root.IsNull()) {
            return config;
        }
        expect_map(root, "the config file",
                   {"api_key", "api_key_file", "base_url", "outbox", "system", "timeouts", "retry",
                    "hook", "watch", "repositories"});
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
            expect_map(node, "retry", {"initial_backoff", "max_backoff", "max_retry_after"});
            read_seconds(node, "initial_backoff", config.retry.initial_backoff);
            read_seconds(node, "max_backoff", config.retry.max_backoff);
            read_seconds(node, "max_retry_after", config.retry.max_retry_after);
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
};

} // namespace

model::Expected<Config> parse_config(std::string_view text, const std::string& file_name) {
    try {
        const YAML::Node root = YAML::Load(std::string(text));
        return Reader(file_name).read_root(root);
    } catch (const YAML::ParserException& e) {
        return model::fail(file_name + ":" + std::to_string(e.mark.line + 1) + ":" +
                           std::to_string(e.mark.column + 1) + ": " + e.msg);
    } catch (const model::Failure& e) {
        return model::fail(e.what());
    }
}

model::Expected<Config> load_config(const std::filesystem::path& path) {
    std::ifstream in(path);
    if (!in) {
        return model::fail("reading config '" + path.string() + "': " + std::strerror(errno));
    }
    std::ostringstream text;
    text << in.rdbuf();
    return parse_config(text.str(), path.string());
}

} // namespace config
