#pragma once

#include "model/commit_graph.hpp"
#include "model/error.hpp"
#include "model/event.hpp"
#include "model/refs.hpp"

#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

// Turns git facts into events (docs/derivation.md). Pure: it reads
// history only through the History interface and does no I/O of its own.
namespace derive {

// How a repository's deployments are found.
enum class Strategy { tags, branch, none };

// Which commit time a backfilled change carries.
enum class ChangeTime { committer, author };

// Which incidents are derived from Git (docs/derivation.md); default none.
struct IncidentSources {
    // A revert shipped by a later deployment than the commit it reverts.
    bool reverts = false;
    // The deploy branch moved back to an ancestor (branch strategy, hook and daemon).
    bool rollbacks = false;
};

// The default release pattern: SemVer with an optional v, no pre-release.
inline constexpr const char* k_default_tag_pattern =
    R"(^v?(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(\+[0-9A-Za-z.-]+)?$)";

// A repository's derivation settings, resolved.
struct Policy {
    Strategy strategy = Strategy::tags;
    std::string tag_pattern = k_default_tag_pattern;
    // Globs over branch names without refs/heads/ (default: every branch).
    std::vector<std::string> branch_globs = {"*"};
    // The deploy branch of the branch strategy, without refs/heads/.
    std::string deploy_branch = "main";
    // The compiled tag pattern, set by make_policy (compiled on use when
    // unset); the default pattern is matched without one.
    std::shared_ptr<const std::regex> release_regex;
    IncidentSources incidents;
};

// Return a strategy's name as the config and the command line spell it.
std::string_view strategy_name(Strategy strategy);

// Parse "tags", "branch" or "none".
model::Expected<Strategy> parse_strategy(std::string_view name);

// Parse a list of incident sources, each "reverts" or "rollbacks".
model::Expected<IncidentSources> parse_incident_sources(const std::vector<std::string>& names);

// Return the incident sources' names as the config spells them ("" for none).
std::string incident_sources_text(IncidentSources sources);

// Check a policy (compiles the pattern) and return it ready to use.
model::Expected<Policy> make_policy(Policy policy);

// Return whether a full ref name is a tracked branch (under the branch
// strategy, the deploy branch always is).
bool is_tracked_branch(const Policy& policy, const std::string& ref_name);

// Return whether a ref is a release tag: refs/tags/NAME, NAME matches the
// pattern and the ref peels to a commit.
bool is_release_tag(const Policy& policy, const model::Ref& ref);

// Return whether a full ref name is refs/tags/NAME with NAME matching the
// release pattern, whatever the tag points at.
bool matches_release_pattern(const Policy& policy, const std::string& ref_name);

// Counts for the one-line summary at the end of a run.
struct Summary {
    std::size_t commits = 0;
    std::size_t changes = 0;
    std::size_t deployments = 0;
    std::size_t tags_not_release = 0;
    std::size_t tags_not_commit = 0;
    std::size_t outside_window = 0;
    std::size_t incidents = 0;
    // Reverts whose reverted id names no commit, or more than one object.
    std::size_t reverts_unresolved = 0;
    // One line per notable thing to log (a moved tag, a shallow boundary).
    std::vector<std::string> notes;
};

// Which deployments time a derived incident: it was created at the time of
// `opened_by` and resolved at that of `resolved_by` (empty: the time it has).
struct IncidentSpan {
    std::string incident_id;
    std::string opened_by;
    std::string resolved_by;
};

// Events in the order they must be queued: changes before the deployment that
// ships them, a deployment's incidents after it.
struct Derived {
    std::vector<model::Event> events;
    Summary summary;
    // For the hook and the daemon, which time their incidents once the
    // deployments' times are final (time_incidents); empty for a backfill.
    std::vector<IncidentSpan> incident_spans;
    // The history a backfill walked, handed over rather than dropped:
    // freeing 100k commits takes 20 ms, which a caller can spend on another
    // thread. Empty for other derivations.
    model::CommitGraph history = {};
};

// What a commit id prefix names: one commit (its full id), nothing that is a
// commit, or more than one object.
struct IdLookup {
    enum class Outcome { found, unknown, ambiguous };
    Outcome outcome = Outcome::unknown;
    std::string id;
};

// Read access to history, implemented over libgit2 by git::Repository.
class History {
public:
    virtual ~History() = default;
    // Return the commits reachable from `include` and from none of `exclude`.
    virtual model::Expected<model::CommitGraph>
    commits(const std::vector<std::string>& include, const std::vector<std::string>& exclude) = 0;
    // Return a ref as it reads when it points at `target`: peeled, with the
    // outermost tag's tagger time. updates() needs it for the tags a push
    // creates; the default says this history cannot.
    virtual model::Expected<model::Ref> resolve(const std::string& name, const std::string& target);
    // Return commits(include, exclude) with CommitGraph::messages holding the
    // message of every commit whose message contains `marker`; the default
    // says this history cannot.
    virtual model::Expected<model::CommitGraph>
    commits_with_messages(const std::vector<std::string>& include,
                          const std::vector<std::string>& exclude, std::string_view marker);
    // Return the full id of the commit a hex prefix names; the default says
    // this history cannot.
    virtual model::Expected<IdLookup> lookup_commit(const std::string& prefix);
    // Return a commit's message; the default says this history cannot.
    virtual model::Expected<std::string> message(const std::string& id);
};

// Options of a backfill.
struct BackfillOptions {
    ChangeTime change_time = ChangeTime::committer;
    std::optional<model::UnixSeconds> since;
    std::optional<model::UnixSeconds> until;
};

// Receives a backfill's events in queueing order, a chunk at a time, as they
// are derived: a history of millions of commits is never held as events.
class EventSink {
public:
    virtual ~EventSink() = default;
    // Learn how many events are coming at most, once, before the first chunk.
    virtual void expect(std::size_t events);
    // Take the next events, in order; the sink may move them out.
    virtual void take(std::vector<model::Event>& events) = 0;
};

// Derive every event of a repository's history (backfill mode), handing
// them to `sink` in chunks (Derived::events stays empty); as backfill below.
model::Expected<Derived> backfill(const model::RefSnapshot& refs, History& history,
                                  const Policy& policy, const BackfillOptions& options,
                                  EventSink& sink);

// Derive every event of a repository's history (backfill mode). Changes are
// ordered parents first, each before the deployment that ships it; changes
// no deployment ships come last. Exact for any clock skew: each release
// ships what it reaches and no earlier-ordered release reaches. A branch
// strategy deployment, like a tag's, is raised to its latest change time.
model::Expected<Derived> backfill(const model::RefSnapshot& refs, History& history,
                                  const Policy& policy, const BackfillOptions& options);

// One ref change as a push or a poll sees it; an empty id is a creation
// (old) or a deletion (new).
struct RefUpdate {
    std::string name;
    std::string old_id;
    std::string new_id;
};

// Return whether a ref update's id means "no ref": empty, or all zeros as
// git hooks print it.
bool is_absent(const std::string& id);

// Return only the refs events can come from, branches and tags; the rest
// (refs/changes/*, refs/pull/*, notes, remotes) never make an event.
model::RefSnapshot branch_and_tag_refs(model::RefSnapshot refs);

// Return the updates that turn `before` into `after` (the daemon's view of
// two polls), as a post-receive hook would see them for a push (ids are the
// refs' direct targets), sorted by ref name.
std::vector<RefUpdate> diff_refs(const model::RefSnapshot& before, const model::RefSnapshot& after);

// Return the refs as they were before `updates` were applied to `after` (a
// post-receive hook sees only the result and its stdin), resolving old values
// through `history`.
model::Expected<model::RefSnapshot>
refs_before(model::RefSnapshot after, const std::vector<RefUpdate>& updates, History& history);

// Derive the events of a set of ref updates (post-receive and watch modes).
// `before` is every ref as it was before the updates; `now` times new changes
// and lightweight tags. New tags are read through History::resolve. Ranges
// are walked as `git rev-list A --not B` walks them (newest first, stopping
// once only excluded history is left), so heavy clock skew can blur them
// the way it blurs git's. Events: new changes (parents first), then
// deployments in release order.
model::Expected<Derived> updates(const model::RefSnapshot& before,
                                 const std::vector<RefUpdate>& updates, History& history,
                                 const Policy& policy, model::UnixSeconds now);

} // namespace derive
