#include "git/commit_reader.hpp"

#include "git/commit_graph_file.hpp"

#include <charconv>
#include <cstring>
#include <filesystem>
#include <string_view>

namespace git {

namespace {

// Return the Unix time of an "author"/"committer"/"tagger" line's value:
// "Name <email> 1700000000 +0100".
model::UnixSeconds signature_time(std::string_view line) {
    const auto close = line.rfind('>');
    if (close == std::string_view::npos) {
        return 0;
    }
    auto rest = line.substr(close + 1);
    rest.remove_prefix(std::min(rest.find_first_not_of(' '), rest.size()));
    model::UnixSeconds time = 0;
    std::from_chars(rest.data(), rest.data() + rest.size(), time);
    return time;
}

bool starts_with(std::string_view line, std::string_view prefix, std::string_view& value) {
    if (!line.starts_with(prefix)) {
        return false;
    }
    value = line.substr(prefix.size());
    return true;
}

} // namespace

model::Expected<void> parse_commit(std::string_view raw, CommitFacts& facts) {
    facts.parents.clear();
    facts.committer_time = 0;
    facts.author_time = 0;
    while (!raw.empty()) {
        const auto end = raw.find('\n');
        const auto line = raw.substr(0, end);
        if (line.empty()) {
            break;
        }
        std::string_view value;
        if (starts_with(line, "parent ", value)) {
            git_oid parent;
            if (value.size() != GIT_OID_HEXSZ ||
                api().oid_fromstrn(&parent, value.data(), value.size()) != 0) {
                return model::fail("malformed parent line");
            }
            facts.parents.push_back(parent);
        } else if (starts_with(line, "author ", value)) {
            facts.author_time = signature_time(value);
        } else if (starts_with(line, "committer ", value)) {
            // The last header a walk needs: skip signatures and the message.
            facts.committer_time = signature_time(value);
            break;
        }
        raw.remove_prefix(end == std::string_view::npos ? raw.size() : end + 1);
    }
    return {};
}

model::Expected<git_oid> parse_tag_target(std::string_view raw) {
    std::string_view target;
    git_oid id;
    if (!starts_with(raw, "object ", target) || target.size() < GIT_OID_HEXSZ ||
        (target.size() > GIT_OID_HEXSZ && target[GIT_OID_HEXSZ] != '\n') ||
        api().oid_fromstrn(&id, target.data(), GIT_OID_HEXSZ) != 0) {
        return model::fail("no object line");
    }
    return id;
}

std::string_view commit_message(std::string_view raw) {
    if (raw.starts_with('\n')) {
        return raw.substr(1);
    }
    const auto end = raw.find("\n\n");
    return end == std::string_view::npos ? std::string_view{} : raw.substr(end + 2);
}

namespace {

// Return the repository's commit-graph when it may answer: not in a shallow
// clone (its parents would go past the cut) nor with core.commitGraph=false.
// A graph that cannot be read is skipped: the object database still answers.
std::unique_ptr<CommitGraphFile> usable_graph(git_repository* repo) {
    git_config* raw = nullptr;
    int enabled = 1;
    if (api().repository_config_snapshot(&raw, repo) == 0) {
        const ConfigPtr config(raw);
        if (api().config_get_bool(&enabled, config.get(), "core.commitGraph") != 0) {
            enabled = 1;
        }
    }
    if (!enabled) {
        return nullptr;
    }
    const auto objects = std::filesystem::path(api().repository_commondir(repo)) / "objects";
    auto graph = CommitGraphFile::open(objects);
    if (!graph || !*graph) {
        return nullptr;
    }
    return std::make_unique<CommitGraphFile>(std::move(**graph));
}

} // namespace

model::Expected<CommitReader> CommitReader::open(git_repository* repo, ShallowSet shallow,
                                                 bool use_graph, std::string marker) {
    git_odb* odb = nullptr;
    if (api().repository_odb(&odb, repo) != 0) {
        return model::fail(error_message("opening the object database"));
    }
    // Messages live only in the commit objects.
    auto graph = use_graph && shallow.empty() && marker.empty() ? usable_graph(repo) : nullptr;
    return CommitReader(OdbPtr(odb), std::move(shallow), std::move(graph), std::move(marker));
}

CommitReader::CommitReader(OdbPtr odb, ShallowSet shallow, std::unique_ptr<CommitGraphFile> graph,
                           std::string marker)
    : m_odb(std::move(odb)), m_shallow(std::move(shallow)), m_graph(std::move(graph)),
      m_marker(std::move(marker)) {}

CommitReader::CommitReader(CommitReader&&) noexcept = default;
CommitReader& CommitReader::operator=(CommitReader&&) noexcept = default;
CommitReader::~CommitReader() = default;

model::Expected<OdbObjectPtr> CommitReader::read_object(const git_oid& id) {
    git_odb_object* object = nullptr;
    if (api().odb_read(&object, m_odb.get(), &id) != 0) {
        return model::fail(error_message("reading object " + to_hex(id)));
    }
    return OdbObjectPtr(object);
}

model::Expected<void> CommitReader::read(const git_oid& id, CommitFacts& facts) {
    if (m_graph) {
        if (const auto position = m_graph->find(id); position && m_graph->read(*position, facts)) {
            return {};
        }
    }
    TRY_ASSIGN(const auto object, read_object(id));
    if (api().odb_object_type(object.get()) != GIT_OBJECT_COMMIT) {
        return model::fail("object " + to_hex(id) + " is not a commit");
    }
    const std::string_view raw(static_cast<const char*>(api().odb_object_data(object.get())),
                               api().odb_object_size(object.get()));
    if (auto parsed = parse_commit(raw, facts); !parsed) {
        return model::fail("reading commit " + to_hex(id) + ": " + parsed.error().message);
    }
    keep_message(raw, facts);
    if (!m_shallow.empty() && m_shallow.contains(id)) {
        facts.parents.clear();
    }
    return {};
}

void CommitReader::keep_message(std::string_view raw, CommitFacts& facts) const {
    facts.message.reset();
    if (m_marker.empty()) {
        return;
    }
    // memmem, not a parse: most commits are no revert, and git log --grep
    // is the floor this is measured against.
    const auto body = commit_message(raw);
    if (::memmem(body.data(), body.size(), m_marker.data(), m_marker.size()) != nullptr) {
        facts.message.emplace(body);
    }
}

model::Expected<PrefixMatch> CommitReader::match_prefix(std::string_view hex) {
    git_oid prefix;
    if (hex.size() < GIT_OID_MINPREFIXLEN || hex.size() > GIT_OID_HEXSZ ||
        api().oid_fromstrn(&prefix, hex.data(), hex.size()) != 0) {
        return PrefixMatch{};
    }
    PrefixMatch match;
    const int code = api().odb_exists_prefix(&match.id, m_odb.get(), &prefix, hex.size());
    if (code == GIT_EAMBIGUOUS) {
        match.outcome = PrefixMatch::Outcome::many;
    } else if (code == 0) {
        std::size_t size = 0;
        git_object_t type = GIT_OBJECT_INVALID;
        const bool commit = api().odb_read_header(&size, &type, m_odb.get(), &match.id) == 0 &&
                            type == GIT_OBJECT_COMMIT;
        match.outcome = commit ? PrefixMatch::Outcome::one : PrefixMatch::Outcome::none;
    } else if (code != GIT_ENOTFOUND) {
        return model::fail(error_message("looking up '" + std::string(hex) + "'"));
    }
    return match;
}

model::Expected<std::string> CommitReader::message(const git_oid& id) {
    TRY_ASSIGN(const auto object, read_object(id));
    if (api().odb_object_type(object.get()) != GIT_OBJECT_COMMIT) {
        return model::fail("object " + to_hex(id) + " is not a commit");
    }
    const std::string_view raw(static_cast<const char*>(api().odb_object_data(object.get())),
                               api().odb_object_size(object.get()));
    return std::string(commit_message(raw));
}

model::Expected<std::optional<git_oid>> CommitReader::peel(const git_oid& id) {
    // The commit-graph holds only commits, and a header read inflates
    // nothing: most tips are commits and need no more.
    if (m_graph && m_graph->find(id)) {
        return id;
    }
    std::size_t size = 0;
    git_object_t type = GIT_OBJECT_INVALID;
    if (api().odb_read_header(&size, &type, m_odb.get(), &id) != 0) {
        return model::fail(error_message("reading object " + to_hex(id)));
    }
    if (type == GIT_OBJECT_COMMIT) {
        return id;
    }
    return type == GIT_OBJECT_TAG ? peel_tag(id) : std::optional<git_oid>{};
}

model::Expected<std::optional<git_oid>> CommitReader::peel_tag(const git_oid& id) {
    git_oid current = id;
    for (int depth = 0; depth < 64; ++depth) {
        TRY_ASSIGN(const auto object, read_object(current));
        const auto type = api().odb_object_type(object.get());
        if (type == GIT_OBJECT_COMMIT) {
            return current;
        }
        if (type != GIT_OBJECT_TAG) {
            return std::optional<git_oid>{};
        }
        const std::string_view raw(static_cast<const char*>(api().odb_object_data(object.get())),
                                   api().odb_object_size(object.get()));
        const auto target = parse_tag_target(raw);
        if (!target) {
            return model::fail("tag " + to_hex(current) + " is malformed");
        }
        current = *target;
    }
    return model::fail("object " + to_hex(id) + ": tag chain too long");
}

model::Expected<git_oid> CommitReader::peel_to_commit(const git_oid& id) {
    TRY_ASSIGN(const auto commit, peel(id));
    if (!commit) {
        return model::fail("object " + to_hex(id) + " does not point to a commit");
    }
    return *commit;
}

} // namespace git
