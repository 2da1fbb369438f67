// git::parse_commit and git::parse_tag_target on arbitrary bytes (a raw
// commit or tag object from a pushed pack, read by hand rather than by
// libgit2's parser): never a crash, every parent returned was spelled in a
// "parent" header line, and a tag's target in its first line.
#include "check.hpp"
#include "git/commit_reader.hpp"

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view raw(reinterpret_cast<const char*>(data), size);
    // Ids may be spelled in upper case; to_hex writes lower case.
    std::string lower(raw);
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (const auto target = git::parse_tag_target(raw)) {
        fuzz::check(lower.starts_with("object " + git::to_hex(*target)),
                    "a tag's target comes from its object line");
    }
    git::CommitFacts facts;
    facts.parents.resize(3);
    if (!git::parse_commit(raw, facts)) {
        return 0;
    }
    for (const auto& parent : facts.parents) {
        const auto line = "parent " + git::to_hex(parent);
        fuzz::check(lower.starts_with(line) || lower.find("\n" + line) != std::string::npos,
                    "a parent comes from a parent line");
    }
    return 0;
}
