#include "git/path_changes.hpp"

namespace git {

namespace {

model::Expected<TreePtr> tree_of(git_commit* commit) {
    git_tree* tree = nullptr;
    if (api().commit_tree(&tree, commit) != 0) {
        return model::fail(
            error_message("reading the tree of " + to_hex(*api().commit_id(commit))));
    }
    return TreePtr(tree);
}

// Return whether two trees (the first may be null: empty) differ under the paths.
model::Expected<bool> differs(git_repository* repo, git_tree* old_tree, git_tree* new_tree,
                              const std::vector<std::string>& paths) {
    std::vector<char*> specs;
    for (const auto& path : paths) {
        specs.push_back(const_cast<char*>(path.c_str()));
    }
    git_diff_options options = GIT_DIFF_OPTIONS_INIT;
    options.pathspec.strings = specs.data();
    options.pathspec.count = specs.size();
    git_diff* raw = nullptr;
    if (api().diff_tree_to_tree(&raw, repo, old_tree, new_tree, &options) != 0) {
        return model::fail(error_message("comparing trees"));
    }
    const DiffPtr diff(raw);
    return api().diff_num_deltas(diff.get()) > 0;
}

} // namespace

model::Expected<bool> commit_touches(git_repository* repo, const git_oid& id,
                                     const std::vector<std::string>& paths) {
    git_commit* raw = nullptr;
    if (api().commit_lookup(&raw, repo, &id) != 0) {
        return model::fail(error_message("reading commit " + to_hex(id)));
    }
    const CommitPtr commit(raw);
    TRY_ASSIGN(const auto tree, tree_of(commit.get()));
    const auto parents = api().commit_parentcount(commit.get());
    if (parents == 0) {
        return differs(repo, nullptr, tree.get(), paths);
    }
    for (unsigned i = 0; i < parents; ++i) {
        git_commit* raw_parent = nullptr;
        if (api().commit_parent(&raw_parent, commit.get(), i) != 0) {
            return model::fail(error_message("reading a parent of " + to_hex(id)));
        }
        const CommitPtr parent(raw_parent);
        TRY_ASSIGN(const auto parent_tree, tree_of(parent.get()));
        auto changed = differs(repo, parent_tree.get(), tree.get(), paths);
        if (!changed || !*changed) {
            return changed;
        }
    }
    return true;
}

} // namespace git
