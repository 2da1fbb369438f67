#pragma once

#include "derive/derive.hpp"
#include "git/repository.hpp"

namespace pipeline {

// A git repository read through derive's History interface: derive knows
// history only as that interface, git knows nothing of derive.
class RepositoryHistory : public derive::History {
public:
    // Read `repo`, which must outlive this object.
    explicit RepositoryHistory(git::Repository& repo) : m_repo(repo) {}

    // Return the commits reachable from `include` and from none of `exclude`.
    model::Expected<model::CommitGraph> commits(const std::vector<std::string>& include,
                                                const std::vector<std::string>& exclude) override {
        return m_repo.commits(include, exclude);
    }

    // Return a ref as it reads when it points at `target` (peeled, tagger time).
    model::Expected<model::Ref> resolve(const std::string& name,
                                        const std::string& target) override {
        return m_repo.resolve(name, target);
    }

    // Return the commits with the messages that contain `marker`.
    model::Expected<model::CommitGraph>
    commits_with_messages(const std::vector<std::string>& include,
                          const std::vector<std::string>& exclude,
                          std::string_view marker) override;

    // Return the full id of the commit a hex prefix names.
    model::Expected<derive::IdLookup> lookup_commit(const std::string& prefix) override;

    // Return a commit's message.
    model::Expected<std::string> message(const std::string& id) override {
        return m_repo.message(id);
    }

private:
    git::Repository& m_repo;
};

} // namespace pipeline
