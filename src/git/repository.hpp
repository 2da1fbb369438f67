#pragma once

#include "git/ref_filter.hpp"
#include "model/commit_graph.hpp"
#include "model/error.hpp"
#include "model/refs.hpp"

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

struct git_repository;

// The only folder that includes git2.h.
namespace git {

// An open repository (bare or not). Errors read like
// "opening repository '/srv/x.git': ...".
class Repository {
public:
    // Open a repository at exactly this path (no search upwards).
    static model::Expected<Repository> open(const std::filesystem::path& path);

    // Open the repository at or above `start` (a work tree's subfolder too),
    // as git commands find it.
    static model::Expected<Repository> discover(const std::filesystem::path& start);

    // Read every ref in one pass, peeling tags through chains of annotated tags.
    model::Expected<model::RefSnapshot> refs() const;

    // Read every ref in one pass, peeling only those `peel` names; the rest
    // keep their target unread, branches taken to be commits (a walk drops an
    // excluded tip that is not). A hook needs only the release tags peeled.
    model::Expected<model::RefSnapshot> refs(const RefFilter& peel) const;

    // How a walk reads history.
    struct WalkOptions {
        // Called every few thousand commits with the count read so far.
        std::function<void(std::size_t)> progress;
        // Whether Commit::author_time must be filled. Without it, git's
        // commit-graph file, when there is one, answers without reading
        // commit objects: many times faster on large histories.
        bool author_times = true;
        // When set, every commit object is read and CommitGraph::messages
        // keeps the messages that contain this text.
        std::string message_marker;
    };

    // Return the commits reachable from `include` and not from `exclude`,
    // walked with the options set by set_walk_options.
    model::Expected<model::CommitGraph> commits(const std::vector<std::string>& include,
                                                const std::vector<std::string>& exclude);

    // Set how commits(include, exclude) walks, for the derivations that follow.
    void set_walk_options(WalkOptions options) { m_walk_options = std::move(options); }

    // Return how commits(include, exclude) walks.
    const WalkOptions& walk_options() const { return m_walk_options; }

    // Return the commits reachable from `include` and not from `exclude`.
    model::Expected<model::CommitGraph> commits(const std::vector<std::string>& include,
                                                const std::vector<std::string>& exclude,
                                                const WalkOptions& options);

    // Return a ref as it reads when it points at `target` (peeled, tagger time).
    model::Expected<model::Ref> resolve(const std::string& name, const std::string& target);

    // What an abbreviated commit id names.
    struct CommitMatch {
        enum class Outcome { one, none, many };
        Outcome outcome = Outcome::none;
        std::string id;
    };

    // Return the commit a hex prefix names: one (its full id), none (no
    // object, or one that is no commit), or many (more than one object).
    model::Expected<CommitMatch> match_commit(const std::string& prefix);

    // Return a commit's message.
    model::Expected<std::string> message(const std::string& id);

    // Return the commit a revision names ("HEAD", "v1.2.0", "main~2", an id).
    model::Expected<std::string> resolve_commit(const std::string& revision) const;

    // Return whether a commit changes anything under `paths` (pathspecs
    // relative to the top of the work tree); merges count only when they
    // differ there from every parent, as in `git log -- PATH`.
    model::Expected<bool> touches(const std::string& commit,
                                  const std::vector<std::string>& paths) const;

    // Return the top folder of the work tree; nullopt for a bare repository.
    std::optional<std::filesystem::path> work_tree() const;

    // Return a string from the repository's git config, if set.
    std::optional<std::string> config_string(const std::string& key) const;

    // Return every value of a multi-valued git config key, in order.
    std::vector<std::string> config_strings(const std::string& key) const;

    // Return where history is cut when the repository is a shallow clone.
    std::optional<std::string> shallow_boundary() const;

    // Return the ids of the commits a shallow clone's history is cut below.
    std::vector<std::string> shallow_commits() const;

    // Return how many commits git's commit-graph file holds, if there is one
    // (an estimate of the history's size, for progress).
    std::optional<std::size_t> commit_graph_size() const;

    // Return whether the repository has no commits at all.
    bool is_empty() const;

    // Return the path the repository was opened at.
    const std::filesystem::path& path() const { return m_path; }

private:
    struct Free {
        void operator()(git_repository* repo) const;
    };
    Repository(std::filesystem::path path, git_repository* repo);

    std::filesystem::path m_path;
    WalkOptions m_walk_options;
    std::unique_ptr<git_repository, Free> m_repo;
};

} // namespace git
