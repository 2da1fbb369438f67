#pragma once

#include "git/libgit2.hpp"
#include "model/error.hpp"
#include "model/time.hpp"

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace git {

// What a walk needs of one commit.
struct CommitFacts {
    std::vector<git_oid> parents;
    model::UnixSeconds committer_time = 0;
    model::UnixSeconds author_time = 0;
    // The message, kept only when it contains the reader's marker.
    std::optional<std::string> message;
};

// What an abbreviated object id names in the object database.
struct PrefixMatch {
    enum class Outcome { one, none, many };
    Outcome outcome = Outcome::none;
    git_oid id{};
};

// The commits where a shallow clone's history is cut (their parents are absent).
using ShallowSet = std::unordered_set<git_oid, OidHash, OidEqual>;

class CommitGraphFile;

// Reads commits for walks: from git's commit-graph file when there is one
// and author times are not needed, else straight from the object database,
// skipping libgit2's full commit parser (a walk needs parents and times).
class CommitReader {
public:
    // Read from this repository; `shallow` commits read as roots. With
    // `use_graph`, a usable commit-graph answers (author times read as 0).
    // With a `marker`, every commit object is read and the messages that
    // contain it are kept (CommitFacts::message).
    static model::Expected<CommitReader> open(git_repository* repo, ShallowSet shallow,
                                              bool use_graph, std::string marker = {});
    CommitReader(CommitReader&&) noexcept;
    CommitReader& operator=(CommitReader&&) noexcept;
    ~CommitReader();

    // Return whether a commit-graph file answers.
    bool uses_graph() const { return m_graph != nullptr; }

    // Return the commit-graph file that answers, if one does.
    const CommitGraphFile* graph() const { return m_graph.get(); }

    // Read a commit's parents and times into `facts` (reusing its storage).
    model::Expected<void> read(const git_oid& id, CommitFacts& facts);

    // Return what a hex prefix (4 to 40 digits) names among the objects.
    model::Expected<PrefixMatch> match_prefix(std::string_view hex);

    // Return a commit's message (what follows its header).
    model::Expected<std::string> message(const git_oid& id);

    // Return the commit an object id ends at once annotated tags are peeled.
    model::Expected<git_oid> peel_to_commit(const git_oid& id);

    // Return the commit an object id ends at once annotated tags are peeled;
    // nullopt when it ends at a tree or a blob.
    model::Expected<std::optional<git_oid>> peel(const git_oid& id);

private:
    CommitReader(OdbPtr odb, ShallowSet shallow, std::unique_ptr<CommitGraphFile> graph,
                 std::string marker);
    void keep_message(std::string_view raw, CommitFacts& facts) const;
    model::Expected<OdbObjectPtr> read_object(const git_oid& id);
    model::Expected<std::optional<git_oid>> peel_tag(const git_oid& id);

    OdbPtr m_odb;
    ShallowSet m_shallow;
    std::unique_ptr<CommitGraphFile> m_graph;
    std::string m_marker;
};

// Parse a raw commit object's header into `facts` (exposed for tests).
model::Expected<void> parse_commit(std::string_view raw, CommitFacts& facts);

// Return the object a raw tag object names on its first line, "object <hex>"
// (exposed for tests); an error when it names none.
model::Expected<git_oid> parse_tag_target(std::string_view raw);

// Return a raw commit object's message: what follows the first empty line.
std::string_view commit_message(std::string_view raw);

} // namespace git
