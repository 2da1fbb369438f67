#include "derive/derive.hpp"

#include <algorithm>
#include <fnmatch.h>
#include <map>

namespace derive {

namespace {

constexpr std::string_view k_heads = "refs/heads/";
constexpr std::string_view k_tags = "refs/tags/";

// Return the policy's compiled pattern, compiling (once per thread) a policy
// that did not come from make_policy.
const std::regex& release_regex(const Policy& policy) {
    if (policy.release_regex) {
        return *policy.release_regex;
    }
    thread_local std::map<std::string, std::regex> compiled;
    auto it = compiled.find(policy.tag_pattern);
    if (it == compiled.end()) {
        it = compiled.emplace(policy.tag_pattern, std::regex(policy.tag_pattern)).first;
    }
    return it->second;
}

// Take a number without a leading zero off the front of `text`.
bool take_number(std::string_view& text) {
    std::size_t digits = 0;
    while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') {
        ++digits;
    }
    if (digits == 0 || (digits > 1 && text[0] == '0')) {
        return false;
    }
    text.remove_prefix(digits);
    return true;
}

bool is_build_char(char c) {
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '.' ||
           c == '-';
}

// Return whether a tag name matches k_default_tag_pattern, without std::regex:
// a hook checks every tag of a repository, and std::regex takes microseconds
// per name.
bool is_default_release_name(std::string_view name) {
    if (name.starts_with('v')) {
        name.remove_prefix(1);
    }
    for (int part = 0; part < 3; ++part) {
        if (part > 0 && !name.starts_with('.')) {
            return false;
        }
        name.remove_prefix(part > 0 ? 1 : 0);
        if (!take_number(name)) {
            return false;
        }
    }
    if (name.empty()) {
        return true;
    }
    return name.size() > 1 && name[0] == '+' &&
           std::all_of(name.begin() + 1, name.end(), is_build_char);
}

// Return the names of a list whose items may also be comma- or space-separated.
std::vector<std::string> split_list(const std::vector<std::string>& items) {
    std::vector<std::string> names;
    for (const auto& item : items) {
        std::size_t start = 0;
        while ((start = item.find_first_not_of(", ", start)) != std::string::npos) {
            const auto end = item.find_first_of(", ", start);
            names.push_back(item.substr(start, end - start));
            start = end;
        }
    }
    return names;
}

} // namespace

std::string_view strategy_name(Strategy strategy) {
    switch (strategy) {
    case Strategy::tags:
        return "tags";
    case Strategy::branch:
        return "branch";
    case Strategy::none:
        return "none";
    }
    return "tags";
}

model::Expected<Strategy> parse_strategy(std::string_view name) {
    for (const auto strategy : {Strategy::tags, Strategy::branch, Strategy::none}) {
        if (name == strategy_name(strategy)) {
            return strategy;
        }
    }
    return model::fail("unknown strategy '" + std::string(name) +
                       "' (expected tags, branch or none)");
}

model::Expected<IncidentSources> parse_incident_sources(const std::vector<std::string>& names) {
    IncidentSources sources;
    for (const auto& name : split_list(names)) {
        if (name == "reverts") {
            sources.reverts = true;
        } else if (name == "rollbacks") {
            sources.rollbacks = true;
        } else {
            return model::fail("unknown incident source '" + name +
                               "' (expected reverts or rollbacks)");
        }
    }
    return sources;
}

std::string incident_sources_text(IncidentSources sources) {
    if (sources.reverts && sources.rollbacks) {
        return "reverts, rollbacks";
    }
    return sources.reverts ? "reverts" : sources.rollbacks ? "rollbacks" : "";
}

model::Expected<Policy> make_policy(Policy policy) {
    try {
        // The default pattern is matched without std::regex: nothing to compile.
        if (policy.tag_pattern != k_default_tag_pattern) {
            policy.release_regex = std::make_shared<const std::regex>(policy.tag_pattern);
        }
    } catch (const std::regex_error& e) {
        return model::fail("tag pattern '" + policy.tag_pattern + "': " + e.what());
    }
    if (policy.branch_globs.empty()) {
        policy.branch_globs = {"*"};
    }
    if (policy.strategy == Strategy::branch && policy.deploy_branch.empty()) {
        return model::fail("the branch strategy needs a deploy branch");
    }
    if (policy.deploy_branch.starts_with(k_heads)) {
        policy.deploy_branch.erase(0, k_heads.size());
    }
    return policy;
}

bool is_tracked_branch(const Policy& policy, const std::string& ref_name) {
    if (!ref_name.starts_with(k_heads)) {
        return false;
    }
    const std::string branch = ref_name.substr(k_heads.size());
    if (policy.strategy == Strategy::branch && branch == policy.deploy_branch) {
        return true;
    }
    for (const auto& glob : policy.branch_globs) {
        if (fnmatch(glob.c_str(), branch.c_str(), 0) == 0) {
            return true;
        }
    }
    return false;
}

bool matches_release_pattern(const Policy& policy, const std::string& ref_name) {
    if (!ref_name.starts_with(k_tags)) {
        return false;
    }
    if (policy.tag_pattern == k_default_tag_pattern) {
        return is_default_release_name(std::string_view(ref_name).substr(k_tags.size()));
    }
    const auto name = ref_name.begin() + static_cast<std::ptrdiff_t>(k_tags.size());
    return std::regex_search(name, ref_name.end(), release_regex(policy));
}

bool is_release_tag(const Policy& policy, const model::Ref& ref) {
    return ref.peeled_kind == model::ObjectKind::commit &&
           matches_release_pattern(policy, ref.name);
}

} // namespace derive
