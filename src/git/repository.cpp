#include "git/repository.hpp"

#include "git/commit_graph_file.hpp"
#include "git/commit_walk.hpp"
#include "git/libgit2.hpp"
#include "git/path_changes.hpp"
#include "git/ref_reader.hpp"
#include "git/trust.hpp"

#include <fstream>
#include <unordered_set>

namespace git {

namespace {

// Add what a user can do about the libgit2 errors that have a known cause.
std::string with_hint(std::string message, const std::filesystem::path& path) {
    // libgit2 1.5 words a refused owner as a missing safe.directory value.
    if (message.find("not owned by current user") != std::string::npos ||
        message.find("'safe.directory'") != std::string::npos) {
        message += " (run pulse-agent as the repository's owner, or trust its owner with "
                   "`trusted_owners:` in the config file; git itself needs `git config --global "
                   "--add safe.directory " +
                   path.string() + "`)";
    } else if (message.find("objectformat") != std::string::npos) {
        message += " (SHA-256 repositories need a newer libgit2 than this build's " +
                   std::string(LIBGIT2_VERSION) + ")";
    } else if (message.find("extension") != std::string::npos) {
        message += " (the repository uses a format extension this build's libgit2 " +
                   std::string(LIBGIT2_VERSION) + " does not know)";
    }
    return message;
}

model::Expected<std::vector<git_oid>> parse_ids(const std::vector<std::string>& ids) {
    std::vector<git_oid> oids(ids.size());
    for (std::size_t i = 0; i < ids.size(); ++i) {
        if (!from_hex(ids[i], oids[i])) {
            return model::fail("'" + ids[i] + "' is not a full object id");
        }
    }
    return oids;
}

// Return the distinct ids of a list in first-seen order (10,000 refs often
// name a few hundred commits; the order keeps walks reproducible).
std::vector<git_oid> distinct(const std::vector<git_oid>& ids) {
    std::vector<git_oid> unique;
    unique.reserve(ids.size());
    std::unordered_set<git_oid, OidHash, OidEqual> seen;
    seen.reserve(ids.size());
    for (const auto& id : ids) {
        if (seen.insert(id).second) {
            unique.push_back(id);
        }
    }
    return unique;
}

model::Expected<std::vector<git_oid>> peel_all(CommitReader& reader,
                                               const std::vector<git_oid>& ids) {
    std::vector<git_oid> commits;
    commits.reserve(ids.size());
    for (const auto& id : distinct(ids)) {
        TRY_ASSIGN(const auto commit, reader.peel_to_commit(id));
        commits.push_back(commit);
    }
    return commits;
}

// Return the commits the excluded tips peel to. A tip that ends at a tree or
// a blob, or cannot be read, excludes nothing: refs are read without
// checking what branches point at, so this is where a stray one drops out.
std::vector<git_oid> peel_excluded(CommitReader& reader, const std::vector<git_oid>& ids) {
    std::vector<git_oid> commits;
    commits.reserve(ids.size());
    for (const auto& id : distinct(ids)) {
        if (auto commit = reader.peel(id); commit && *commit) {
            commits.push_back(**commit);
        }
    }
    return commits;
}

ShallowSet to_shallow_set(const std::vector<std::string>& ids) {
    ShallowSet set;
    for (const auto& id : ids) {
        git_oid oid;
        if (from_hex(id, oid)) {
            set.insert(oid);
        }
    }
    return set;
}

} // namespace

void Repository::Free::operator()(git_repository* repo) const {
    api().repository_free(repo);
}

Repository::Repository(std::filesystem::path path, git_repository* repo)
    : m_path(std::move(path)), m_repo(repo) {}

model::Expected<Repository> Repository::open(const std::filesystem::path& path) {
    ensure_initialized();
    const std::string context = "opening repository '" + path.string() + "'";
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) {
        return model::fail(context + ": " + (ec ? ec.message() : "no such file or directory"));
    }
    git_repository* repo = nullptr;
    const TrustScope trust(path);
    if (api().repository_open_ext(&repo, path.c_str(), GIT_REPOSITORY_OPEN_NO_SEARCH, nullptr) !=
        0) {
        return model::fail(with_hint(error_message(context), path));
    }
    return Repository(path, repo);
}

model::Expected<Repository> Repository::discover(const std::filesystem::path& start) {
    ensure_initialized();
    git_repository* repo = nullptr;
    const TrustScope trust(start);
    if (api().repository_open_ext(&repo, start.c_str(), 0, nullptr) != 0) {
        return model::fail(
            with_hint(error_message("opening repository '" + start.string() + "'"), start));
    }
    const std::filesystem::path found = api().repository_is_bare(repo)
                                            ? api().repository_path(repo)
                                            : api().repository_workdir(repo);
    return Repository(found.lexically_normal(), repo);
}

model::Expected<std::string> Repository::resolve_commit(const std::string& revision) const {
    git_object* raw = nullptr;
    if (api().revparse_single(&raw, m_repo.get(), revision.c_str()) != 0) {
        return model::fail(error_message("revision '" + revision + "'"));
    }
    const ObjectPtr object(raw);
    git_object* peeled = nullptr;
    if (api().object_peel(&peeled, object.get(), GIT_OBJECT_COMMIT) != 0) {
        return model::fail(error_message("revision '" + revision + "'"));
    }
    const ObjectPtr commit(peeled);
    return to_hex(*api().object_id(commit.get()));
}

model::Expected<bool> Repository::touches(const std::string& commit,
                                          const std::vector<std::string>& paths) const {
    git_oid oid;
    if (!from_hex(commit, oid)) {
        return model::fail("'" + commit + "' is not a full object id");
    }
    return commit_touches(m_repo.get(), oid, paths);
}

std::optional<std::filesystem::path> Repository::work_tree() const {
    const char* folder = api().repository_workdir(m_repo.get());
    if (folder == nullptr) {
        return std::nullopt;
    }
    return std::filesystem::path(folder);
}

model::Expected<model::RefSnapshot> Repository::refs() const {
    return refs([](const std::string&) { return true; });
}

model::Expected<model::RefSnapshot> Repository::refs(const RefFilter& peel) const {
    auto refs = read_refs(m_repo.get(), peel);
    if (!refs) {
        return model::fail("'" + m_path.string() + "': " + refs.error().message);
    }
    return refs;
}

model::Expected<model::CommitGraph> Repository::commits(const std::vector<std::string>& include,
                                                        const std::vector<std::string>& exclude) {
    return commits(include, exclude, m_walk_options);
}

model::Expected<model::CommitGraph> Repository::commits(const std::vector<std::string>& include,
                                                        const std::vector<std::string>& exclude,
                                                        const WalkOptions& options) {
    const std::string context = "reading history of '" + m_path.string() + "'";
    auto reader = CommitReader::open(m_repo.get(), to_shallow_set(shallow_commits()),
                                     !options.author_times, options.message_marker);
    auto include_ids = parse_ids(include);
    auto exclude_ids = parse_ids(exclude);
    if (!reader || !include_ids || !exclude_ids) {
        const auto& error = !reader        ? reader.error()
                            : !include_ids ? include_ids.error()
                                           : exclude_ids.error();
        return model::fail(context + ": " + error.message);
    }
    auto include_commits = peel_all(*reader, *include_ids);
    if (!include_commits) {
        return model::fail(context + ": " + include_commits.error().message);
    }
    const auto exclude_commits = peel_excluded(*reader, *exclude_ids);
    auto graph = walk_commits(*reader, *include_commits, exclude_commits, options.progress);
    if (!graph) {
        return model::fail(context + ": " + graph.error().message);
    }
    return graph;
}

model::Expected<Repository::CommitMatch> Repository::match_commit(const std::string& prefix) {
    auto reader = CommitReader::open(m_repo.get(), {}, false);
    if (!reader) {
        return model::fail("'" + m_path.string() + "': " + reader.error().message);
    }
    TRY_ASSIGN(const auto match, reader->match_prefix(prefix));
    using Outcome = PrefixMatch::Outcome;
    return CommitMatch{match.outcome == Outcome::one    ? CommitMatch::Outcome::one
                       : match.outcome == Outcome::many ? CommitMatch::Outcome::many
                                                        : CommitMatch::Outcome::none,
                       match.outcome == Outcome::one ? to_hex(match.id) : std::string()};
}

model::Expected<std::string> Repository::message(const std::string& id) {
    git_oid oid;
    if (!from_hex(id, oid)) {
        return model::fail("'" + id + "' is not a full object id");
    }
    auto reader = CommitReader::open(m_repo.get(), {}, false);
    if (!reader) {
        return model::fail("'" + m_path.string() + "': " + reader.error().message);
    }
    return reader->message(oid);
}

model::Expected<model::Ref> Repository::resolve(const std::string& name,
                                                const std::string& target) {
    git_oid oid;
    if (!from_hex(target, oid)) {
        return model::fail("ref '" + name + "': '" + target + "' is not a full object id");
    }
    return describe_ref(m_repo.get(), name, oid);
}

std::optional<std::string> Repository::config_string(const std::string& key) const {
    git_config* raw = nullptr;
    if (api().repository_config_snapshot(&raw, m_repo.get()) != 0) {
        return std::nullopt;
    }
    const ConfigPtr config(raw);
    const char* value = nullptr;
    if (api().config_get_string(&value, config.get(), key.c_str()) != 0) {
        return std::nullopt;
    }
    return std::string(value);
}

std::vector<std::string> Repository::config_strings(const std::string& key) const {
    std::vector<std::string> values;
    git_config* raw = nullptr;
    if (api().repository_config_snapshot(&raw, m_repo.get()) != 0) {
        return values;
    }
    const ConfigPtr config(raw);
    api().config_get_multivar_foreach(
        config.get(), key.c_str(), nullptr,
        [](const git_config_entry* entry, void* payload) {
            static_cast<std::vector<std::string>*>(payload)->emplace_back(entry->value);
            return 0;
        },
        &values);
    return values;
}

std::vector<std::string> Repository::shallow_commits() const {
    std::vector<std::string> ids;
    std::ifstream file(std::filesystem::path(api().repository_commondir(m_repo.get())) / "shallow");
    for (std::string line; std::getline(file, line);) {
        if (line.size() >= GIT_OID_HEXSZ) {
            ids.push_back(line.substr(0, GIT_OID_HEXSZ));
        }
    }
    return ids;
}

std::optional<std::string> Repository::shallow_boundary() const {
    const auto ids = shallow_commits();
    if (ids.empty()) {
        return std::nullopt;
    }
    std::string text = "shallow clone: history is cut below " + std::to_string(ids.size()) +
                       (ids.size() == 1 ? " commit (" : " commits (") + ids.front();
    text += ids.size() > 1 ? ", ...)" : ")";
    return text + "; older commits are not seen (run `git fetch --unshallow` for all of it)";
}

std::optional<std::size_t> Repository::commit_graph_size() const {
    auto graph = CommitGraphFile::open(
        std::filesystem::path(api().repository_commondir(m_repo.get())) / "objects");
    if (!graph || !*graph) {
        return std::nullopt;
    }
    return (*graph)->size();
}

bool Repository::is_empty() const {
    // api().repository_is_empty() also wants HEAD to name init.defaultBranch:
    // "no refs at all" is what matters here.
    git_reference_iterator* raw = nullptr;
    if (api().reference_iterator_new(&raw, m_repo.get()) != 0) {
        return false;
    }
    const ReferenceIteratorPtr iterator(raw);
    const char* name = nullptr;
    return api().reference_next_name(&name, iterator.get()) == GIT_ITEROVER;
}

} // namespace git
