#pragma once

// Builds real repositories with the real `git` in a fresh temporary folder,
// kept when the test fails (its path is printed) so it can be inspected.

#include "derive/derive.hpp"
#include "git/repository.hpp"
#include "pipeline/repository_history.hpp"
#include "temp_dir.hpp"

#include <array>
#include <cstdio>
#include <cstdlib>
#include <doctest/doctest.h>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace git_fixture {

using test_support::failed_flag;
using test_support::TempDir;

// Quote one argument for /bin/sh.
inline std::string quote(const std::string& text) {
    std::string quoted = "'";
    for (const char c : text) {
        quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    }
    return quoted + "'";
}

// Split text into its non-empty lines.
inline std::vector<std::string> lines(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        if (!line.empty()) {
            out.push_back(line);
        }
    }
    return out;
}

// Return the lines of a text as a set.
inline std::set<std::string> line_set(const std::string& text) {
    const auto all = lines(text);
    return {all.begin(), all.end()};
}

// A repository made with the real git, with deterministic dates: every
// commit and tag is one minute after the previous unless a time is given.
class GitRepo {
public:
    explicit GitRepo(const TempDir& dir, const std::string& name = "repo", bool bare = false)
        : m_home(dir.path()), m_path(dir.path() / name) {
        std::filesystem::create_directories(m_path);
        git(std::string("init -q -b main") + (bare ? " --bare" : ""));
    }

    const std::filesystem::path& path() const { return m_path; }

    // Run git in the repository; return its output (throws when git fails).
    std::string git(const std::string& args, const std::string& input = "") const {
        return run("git -C " + quote(m_path.string()) + " " + args, input);
    }

    // Run a shell command with the fixture's environment.
    std::string run(const std::string& command, const std::string& input = "") const {
        const auto date = std::to_string(m_clock) + " +0000";
        const auto input_file = m_home / ".stdin";
        std::ofstream(input_file) << input;
        const std::string full = "HOME=" + quote(m_home.string()) +
                                 " GIT_CONFIG_NOSYSTEM=1 GIT_AUTHOR_NAME=A "
                                 "GIT_AUTHOR_EMAIL=a@example.com GIT_COMMITTER_NAME=C "
                                 "GIT_COMMITTER_EMAIL=c@example.com GIT_AUTHOR_DATE=" +
                                 quote(m_author_date.empty() ? date : m_author_date) +
                                 " GIT_COMMITTER_DATE=" + quote(date) + " " + command + " <" +
                                 quote(input_file.string()) + " 2>&1";
        std::string output;
        FILE* pipe = popen(full.c_str(), "r");
        if (pipe == nullptr) {
            throw std::runtime_error("popen failed");
        }
        std::array<char, 4096> buffer;
        for (std::size_t n; (n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0;) {
            output.append(buffer.data(), n);
        }
        if (pclose(pipe) != 0) {
            throw std::runtime_error("command failed: " + command + "\n" + output);
        }
        while (!output.empty() && output.back() == '\n') {
            output.pop_back();
        }
        return output;
    }

    // Make an empty commit on the current branch; return its id.
    std::string commit(const std::string& message) {
        tick();
        git("commit -q --allow-empty -m " + quote(message));
        return head();
    }

    // Make a commit with an author date different from the committer date.
    std::string commit_authored(const std::string& message, long long author_time) {
        m_author_date = std::to_string(author_time) + " +0000";
        auto id = commit(message);
        m_author_date.clear();
        return id;
    }

    // Merge a branch into the current one with a merge commit; return its id.
    std::string merge(const std::string& branch) {
        tick();
        git("merge -q --no-ff -m " + quote("merge " + branch) + " " + quote(branch));
        return head();
    }

    // Switch to a branch, creating it at `start` when given.
    void checkout(const std::string& branch, const std::string& start = "") {
        git(start.empty() ? "checkout -q " + quote(branch)
                          : "checkout -q -b " + quote(branch) + " " + quote(start));
    }

    // Tag an object; annotated tags get the fixture's next time.
    void tag(const std::string& name, const std::string& target, bool annotated = false) {
        tick();
        git(std::string("tag ") + (annotated ? "-a -m " + quote(name) + " " : "") + quote(name) +
            " " + quote(target));
    }

    // Return a full id.
    std::string rev_parse(const std::string& rev) const { return git("rev-parse " + quote(rev)); }
    std::string head() const { return rev_parse("HEAD"); }

    // Return the set `git rev-list ARGS` prints.
    std::set<std::string> rev_list(const std::string& args) const {
        return line_set(git("rev-list " + args));
    }

    // Return `git rev-list TIP --not EXCLUDED...` (excludes passed on stdin).
    std::set<std::string> rev_list_not(const std::string& tip,
                                       const std::vector<std::string>& excluded) const {
        std::string input = tip + "\n";
        for (const auto& name : excluded) {
            input += "^" + name + "\n";
        }
        return line_set(git("rev-list --stdin", input));
    }

    // Return the exact set "reachable from TIP and from none of EXCLUDED":
    // with clock skew `rev-list --not` may stop early (its date cut-off).
    std::set<std::string> reachable_not(const std::string& tip,
                                        const std::vector<std::string>& excluded) const {
        auto result = rev_list(quote(tip));
        if (excluded.empty()) {
            return result;
        }
        std::string input;
        for (const auto& name : excluded) {
            input += name + "\n";
        }
        for (const auto& id : line_set(git("rev-list --stdin", input))) {
            result.erase(id);
        }
        return result;
    }

    // Feed a stream to git fast-import.
    void fast_import(const std::string& stream) const { git("fast-import --quiet", stream); }

    // Move the fixture's clock to a time, or one minute on.
    void set_time(long long time) { m_clock = time; }
    long long time() const { return m_clock; }
    void tick() { m_clock += 60; }

private:
    std::filesystem::path m_home;
    std::filesystem::path m_path;
    long long m_clock = 1700000000;
    std::string m_author_date;
};

// What a derivation produced, in shapes easy to compare with git rev-list.
struct Events {
    std::vector<std::string> order;
    std::set<std::string> changes;
    std::map<std::string, long long> change_times;
    std::map<std::string, std::set<std::string>> deployments;
    std::map<std::string, long long> deployment_times;
    std::vector<std::string> deployment_order;
};

// Sort derived events by kind, and check that no change comes after the
// deployment that ships it and that no change is listed twice.
inline Events collect(const derive::Derived& derived) {
    Events out;
    std::set<std::string> listed;
    for (const auto& event : derived.events) {
        if (const auto* change = std::get_if<model::Change>(&event)) {
            CHECK_MESSAGE(!listed.contains(change->id),
                          "change after its deployment: " << change->id);
            CHECK_MESSAGE(out.changes.insert(change->id).second, "change twice: " << change->id);
            out.change_times[change->id] = change->time;
            out.order.push_back(change->id);
        } else if (const auto* deployment = std::get_if<model::Deployment>(&event)) {
            std::set<std::string> ids(deployment->changes.begin(), deployment->changes.end());
            CHECK(ids.size() == deployment->changes.size());
            for (const auto& id : ids) {
                CHECK_MESSAGE(listed.insert(id).second, "listed by two deployments: " << id);
            }
            CHECK(out.deployments.emplace(deployment->id, ids).second);
            out.deployment_times[deployment->id] = deployment->time;
            out.deployment_order.push_back(deployment->id);
            out.order.push_back(deployment->id);
        }
    }
    return out;
}

// Open the fixture's repository with pulse-agent's git layer.
inline git::Repository open(const GitRepo& repo) {
    auto opened = git::Repository::open(repo.path());
    REQUIRE_MESSAGE(opened.has_value(), (opened ? "" : opened.error().message));
    return std::move(*opened);
}

// Backfill the fixture's repository with a policy.
inline Events backfill(const GitRepo& repo, derive::Policy policy = {},
                       derive::BackfillOptions options = {}) {
    auto opened = open(repo);
    auto refs = opened.refs();
    REQUIRE(refs.has_value());
    auto ready = derive::make_policy(std::move(policy));
    REQUIRE(ready.has_value());
    pipeline::RepositoryHistory history(opened);
    auto derived = derive::backfill(*refs, history, *ready, options);
    REQUIRE_MESSAGE(derived.has_value(), (derived ? "" : derived.error().message));
    return collect(*derived);
}

// Read a repository's refs with pulse-agent's git layer.
inline model::RefSnapshot refs_of(const GitRepo& repo) {
    auto opened = open(repo);
    auto refs = opened.refs();
    REQUIRE_MESSAGE(refs.has_value(), (refs ? "" : refs.error().message));
    return *refs;
}

// Derive the events of the updates between `before` and the repository now.
inline Events updates_since(const GitRepo& repo, const model::RefSnapshot& before,
                            derive::Policy policy = {}, long long now = 1800000000) {
    auto opened = open(repo);
    const auto after = refs_of(repo);
    auto ready = derive::make_policy(std::move(policy));
    REQUIRE(ready.has_value());
    pipeline::RepositoryHistory history(opened);
    auto derived = derive::updates(before, derive::diff_refs(before, after), history, *ready, now);
    REQUIRE_MESSAGE(derived.has_value(), (derived ? "" : derived.error().message));
    return collect(*derived);
}

} // namespace git_fixture
