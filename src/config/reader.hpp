#pragma once

#include "config/config.hpp"

#include <string>
#include <string_view>
#include <yaml-cpp/yaml.h>

// Reading a parsed YAML document into Config, key by key.
namespace config {

// Thrown when nothing in the file can be trusted (an unterminated quote, a
// second document); its one problem stands for the whole file.
struct FileError {
    Problem problem;
};

// Return a problem at a place in the file, under no section.
Problem located_problem(const std::string& file_name, const YAML::Mark& mark,
                        const std::string& message);

// Read a document into Config, collecting every problem; a key with a problem
// keeps its fallback. `text` is the file's text, to check quotes against.
ParsedConfig read_document(const YAML::Node& root, const std::string& file_name,
                           std::string_view text);

} // namespace config
