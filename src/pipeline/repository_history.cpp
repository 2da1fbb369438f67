#include "pipeline/repository_history.hpp"

namespace pipeline {

model::Expected<model::CommitGraph>
RepositoryHistory::commits_with_messages(const std::vector<std::string>& include,
                                         const std::vector<std::string>& exclude,
                                         std::string_view marker) {
    auto options = m_repo.walk_options();
    options.message_marker = std::string(marker);
    return m_repo.commits(include, exclude, options);
}

model::Expected<derive::IdLookup> RepositoryHistory::lookup_commit(const std::string& prefix) {
    TRY_ASSIGN(const auto match, m_repo.match_commit(prefix));
    using Outcome = git::Repository::CommitMatch::Outcome;
    using Lookup = derive::IdLookup::Outcome;
    return derive::IdLookup{match.outcome == Outcome::one    ? Lookup::found
                            : match.outcome == Outcome::many ? Lookup::ambiguous
                                                             : Lookup::unknown,
                            match.id};
}

} // namespace pipeline
