#include "config/config.hpp"

#include "config/reader.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <optional>
#include <sstream>
#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/yaml.h>

namespace config {

namespace {

// How deep yaml-cpp nests before it gives up with the bare "bad file".
constexpr const char* k_too_deep = "nesting too deep (at most a few hundred levels)";

// Return a config of defaults and the one problem that made the file unreadable.
ParsedConfig unreadable(const std::string& file_name, const YAML::Mark& mark,
                        const std::string& message) {
    ParsedConfig parsed;
    parsed.config.file = file_name;
    parsed.problems = {located_problem(file_name, mark, message)};
    parsed.problems.front().fallback = "using the defaults";
    return parsed;
}

// Return the config, or its first problem (warnings aside) as the error.
model::Expected<Config> first_problem(ParsedConfig parsed) {
    for (const auto& problem : parsed.problems) {
        if (!problem.warning) {
            return model::fail(problem.message);
        }
    }
    return std::move(parsed.config);
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
        YAML::Mark mark;
        mark.line = static_cast<int>(*line);
        mark.column = 0;
        throw FileError{
            unreadable(file_name, mark, "a config file holds one YAML document").problems.front()};
    }
    return YAML::Load(text);
}

} // namespace

Problem located_problem(const std::string& file_name, const YAML::Mark& mark,
                        const std::string& message) {
    Problem problem;
    problem.line = mark.line + 1;
    problem.column = mark.column + 1;
    problem.message = file_name + ":" + std::to_string(problem.line) + ":" +
                      std::to_string(problem.column) + ": " + message;
    return problem;
}

ParsedConfig read_config(std::string_view text, const std::string& file_name) {
    const std::string owned(text);
    try {
        return read_document(only_document(owned, file_name), file_name, owned);
    } catch (const YAML::DeepRecursion& e) {
        return unreadable(file_name, e.mark, k_too_deep);
    } catch (const YAML::Exception& e) {
        return unreadable(file_name, e.mark, e.msg);
    } catch (const FileError& e) {
        ParsedConfig parsed;
        parsed.config.file = file_name;
        parsed.problems = {e.problem};
        return parsed;
    }
}

model::Expected<ParsedConfig> read_config_file(const std::filesystem::path& path) {
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
    return read_config(text.str(), path.string());
}

model::Expected<Config> parse_config(std::string_view text, const std::string& file_name) {
    return first_problem(read_config(text, file_name));
}

model::Expected<Config> load_config(const std::filesystem::path& path) {
    TRY_ASSIGN(auto parsed, read_config_file(path));
    return first_problem(std::move(parsed));
}

} // namespace config
