#pragma once

#include "config/config.hpp"
#include "config/yaml_text.hpp"

#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

// The key-level half of reading a config file (reader.cpp has the sections):
// reading one key of a type, locating its problems, and going on past them.
// Included by reader.cpp alone.
namespace config::reading {

// A problem that ends reading one key, one repository entry or one section.
struct KeyError {
    Problem problem;
};

// The longest time a config file may give: ten years, far from overflowing in ms.
constexpr long k_max_seconds = 315'360'000;

// Reads keys of one YAML document, collecting located problems: a key with
// a problem keeps its fallback and the rest is read all the same.
class KeyReader {
public:
    // Read keys of the document `text`, from the file `file`.
    KeyReader(std::string file, std::string_view text) : m_file(std::move(file)), m_text(text) {}

protected:
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

    std::string m_file;
    std::string_view m_text;
    // The top-level key being read, named in its problems.
    std::string m_section;
    std::vector<Problem> m_problems;
};

} // namespace config::reading
