#include "config/check.hpp"

#include "config/reader.hpp"
#include "util/repository_glob.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <yaml-cpp/yaml.h>

namespace config {

namespace {

// Checks what a parsed file names outside itself, each problem located at
// the value that names it.
class OutsideChecks {
public:
    OutsideChecks(std::string file, const util::Account& account)
        : m_file(std::move(file)), m_account(account) {}

    void check(const YAML::Node& root) {
        if (!root.IsMap()) {
            return;
        }
        if (const auto node = root["api_key_file"]; node && node.IsScalar()) {
            check_key_file(node);
        }
        if (const auto node = root["repositories"]; node && node.IsSequence()) {
            for (const auto& item : node) {
                check_repository(item.IsMap() ? item["path"] : item);
            }
        }
        if (const auto node = root["trusted_owners"]; node && node.IsSequence()) {
            for (const auto& name : node) {
                check_owner(name);
            }
        } else if (node) {
            check_owner(node);
        }
    }

    std::vector<Problem> take() { return std::move(m_problems); }

private:
    void add(const YAML::Node& node, const std::string& message, bool warning) {
        m_problems.push_back(located_problem(m_file, node.Mark(), message));
        m_problems.back().warning = warning;
    }

    void check_key_file(const YAML::Node& node) {
        const std::filesystem::path path = node.Scalar();
        if (!util::can_act_as(m_account)) {
            add(node,
                "cannot tell whether user '" + m_account.name + "' can read '" + path.string() +
                    "': only root can check as another user",
                true);
        } else if (auto read = util::read_as(path, m_account); !read) {
            add(node,
                "user '" + m_account.name + "' cannot read the API key file '" + path.string() +
                    "': " + read.error(),
                false);
        }
    }

    void check_repository(const YAML::Node& node) {
        if (!node || !node.IsScalar()) {
            return;
        }
        const auto expansion = util::expand_pattern(node.Scalar());
        if (expansion.repositories.empty() && expansion.problems.empty()) {
            add(node, "'" + node.Scalar() + "' matches no repository", true);
        }
        for (const auto& problem : expansion.problems) {
            add(node, problem, true);
        }
    }

    void check_owner(const YAML::Node& node) {
        if (!node.IsScalar()) {
            return;
        }
        if (auto account = util::find_account(node.Scalar()); !account) {
            add(node, "trusted owner: " + account.error(), true);
        }
    }

    std::string m_file;
    const util::Account& m_account;
    std::vector<Problem> m_problems;
};

// Return the problem of a config file the service's user cannot read.
std::optional<Problem> unreadable_for(const std::filesystem::path& path,
                                      const util::Account& account) {
    if (!util::can_act_as(account)) {
        return std::nullopt;
    }
    auto read = util::read_as(path, account);
    if (read) {
        return std::nullopt;
    }
    Problem problem;
    problem.message =
        path.string() + ": user '" + account.name + "' cannot read this file: " + read.error();
    return problem;
}

} // namespace

model::Expected<std::vector<Problem>> check_config_file(const std::filesystem::path& path,
                                                        const util::Account& account) {
    TRY_ASSIGN(auto parsed, read_config_file(path));
    auto problems = std::move(parsed.problems);
    if (auto unreadable = unreadable_for(path, account)) {
        problems.insert(problems.begin(), *unreadable);
    }
    std::ifstream in(path);
    std::ostringstream text;
    text << in.rdbuf();
    OutsideChecks outside(path.string(), account);
    try {
        outside.check(YAML::Load(text.str()));
    } catch (const YAML::Exception&) {
        // The text does not parse: read_config_file reported that already.
    }
    auto found = outside.take();
    problems.insert(problems.end(), found.begin(), found.end());
    std::stable_sort(problems.begin(), problems.end(), [](const auto& a, const auto& b) {
        return std::pair(a.line, a.column) < std::pair(b.line, b.column);
    });
    return problems;
}

} // namespace config
