#include "outbox/repo_state.hpp"

#include <map>

namespace outbox {

namespace {

bool same_ref(const model::Ref& a, const model::Ref& b) {
    return a.name == b.name && a.target == b.target && a.peeled == b.peeled &&
           a.peeled_kind == b.peeled_kind && a.tagger_time == b.tagger_time;
}

model::Ref read_ref(const Statement& stmt) {
    model::Ref ref;
    ref.name = stmt.text(0);
    ref.target = stmt.text(1);
    ref.peeled = stmt.text(2);
    ref.peeled_kind = static_cast<model::ObjectKind>(stmt.integer(3));
    if (!stmt.is_null(4)) {
        ref.tagger_time = stmt.integer(4);
    }
    return ref;
}

void bind_ref(Statement& stmt, std::int64_t id, const model::Ref& ref) {
    stmt.bind(1, id)
        .bind(2, ref.name)
        .bind(3, ref.target)
        .bind(4, ref.peeled)
        .bind(5, static_cast<std::int64_t>(ref.peeled_kind));
    if (ref.tagger_time) {
        stmt.bind(6, *ref.tagger_time);
    } else {
        stmt.bind(6, std::nullopt);
    }
}

} // namespace

RepoState::RepoState(Database& db) : m_db(db) {}

std::optional<std::int64_t> RepoState::repo_id(std::string_view path) {
    auto stmt = m_db.prepare("SELECT id FROM watch_repos WHERE path = ? AND baseline = 1");
    stmt.bind(1, path);
    if (!stmt.step()) {
        return std::nullopt;
    }
    return stmt.integer(0);
}

std::optional<model::RefSnapshot> RepoState::snapshot(std::string_view path) {
    const auto id = repo_id(path);
    if (!id) {
        return std::nullopt;
    }
    auto stmt = m_db.prepare("SELECT name, target, peeled, kind, tagger_time FROM watch_refs "
                             "WHERE repo = ? ORDER BY name");
    stmt.bind(1, *id);
    model::RefSnapshot refs;
    while (stmt.step()) {
        refs.push_back(read_ref(stmt));
    }
    return refs;
}

std::int64_t RepoState::upsert_repo(std::string_view path, std::string_view system,
                                    model::UnixSeconds now) {
    auto stmt = m_db.prepare(
        "INSERT INTO watch_repos (path, system, first_seen, last_poll, baseline) "
        "VALUES (?1, ?2, ?3, ?3, 1) ON CONFLICT (path) DO UPDATE SET system = excluded.system, "
        "last_poll = ?3, last_change = CASE WHEN baseline THEN ?3 ELSE 0 END, last_error = '', "
        "watched = 1, baseline = 1 RETURNING id");
    stmt.bind(1, path).bind(2, system).bind(3, now);
    stmt.step();
    return stmt.integer(0);
}

void RepoState::write_refs(std::int64_t id, const model::RefSnapshot* before,
                           const model::RefSnapshot& after) {
    // Keyed by views into *before, which outlives the map.
    std::map<std::string_view, const model::Ref*> old_refs;
    if (before != nullptr) {
        for (const auto& ref : *before) {
            old_refs.emplace(ref.name, &ref);
        }
    }
    auto upsert = m_db.prepare("INSERT OR REPLACE INTO watch_refs "
                               "(repo, name, target, peeled, kind, tagger_time) "
                               "VALUES (?, ?, ?, ?, ?, ?)");
    for (const auto& ref : after) {
        const auto old = old_refs.find(ref.name);
        if (old == old_refs.end() || !same_ref(*old->second, ref)) {
            bind_ref(upsert, id, ref);
            upsert.run();
        }
        if (old != old_refs.end()) {
            old_refs.erase(old);
        }
    }
    auto remove = m_db.prepare("DELETE FROM watch_refs WHERE repo = ? AND name = ?");
    for (const auto& [name, ref] : old_refs) {
        remove.bind(1, id).bind(2, name);
        remove.run();
    }
}

void RepoState::save(const SnapshotUpdate& snapshot, const Transaction&) {
    const auto id = upsert_repo(snapshot.path, snapshot.system, snapshot.now);
    if (snapshot.before == nullptr) {
        m_db.prepare("DELETE FROM watch_refs WHERE repo = ?").bind(1, id).run();
    }
    write_refs(id, snapshot.before, *snapshot.after);
}

void RepoState::mark_polls(std::span<const PollMark> polls, const Transaction&) {
    auto stmt =
        m_db.prepare("INSERT INTO watch_repos (path, system, first_seen, last_poll, last_error) "
                     "VALUES (?1, '', ?2, ?2, ?3) ON CONFLICT (path) DO UPDATE SET last_poll = ?2, "
                     "last_error = ?3, watched = 1");
    for (const auto& poll : polls) {
        stmt.bind(1, poll.path).bind(2, poll.time).bind(3, poll.error);
        stmt.run();
    }
}

void RepoState::mark_gone(std::span<const std::string> paths) {
    Transaction tx(m_db);
    auto stmt = m_db.prepare("UPDATE watch_repos SET watched = 0 WHERE path = ?");
    for (const auto& path : paths) {
        stmt.bind(1, path);
        stmt.run();
    }
    tx.commit();
}

std::vector<RepoRecord> RepoState::list() {
    auto stmt = m_db.prepare(
        "SELECT path, system, first_seen, last_poll, last_change, last_error, watched, "
        "(SELECT COUNT(*) FROM watch_refs WHERE repo = r.id), baseline FROM watch_repos AS r "
        "ORDER BY path");
    std::vector<RepoRecord> records;
    while (stmt.step()) {
        records.push_back({stmt.text(0), stmt.text(1), stmt.integer(2), stmt.integer(3),
                           stmt.integer(4), stmt.text(5), stmt.integer(6) != 0, stmt.integer(7),
                           stmt.integer(8) != 0});
    }
    return records;
}

} // namespace outbox
