"""Incidents derived from Git (docs/derivation.md, "Incidents"): reverts that
reached users in a later deployment than what they revert, and rollbacks of
the deploy branch, on repositories built with the real git, derived by the
real binary through backfill, the post-receive hook and the daemon, and
checked against what the git CLI says."""

import json
import random

from conftest import git, run
from test_hook_support import Server, events, hook_log, push
from test_watch_support import make_clone, make_mirror, start_watching

BASE_TIME = 1700000000


class Repo:
    """A work tree whose commits and tags are one minute apart."""

    def __init__(self, path):
        self.path = path
        self.time = BASE_TIME
        path.mkdir(parents=True)
        git(path, "init", "-q", "-b", "main")
        git(path, "config", "user.name", "Ada Tester")
        git(path, "config", "user.email", "ada@example.com")

    def dated(self):
        self.time += 60
        stamp = "%d +0000" % self.time
        return {"GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp}

    def git(self, *args):
        return git(self.path, *args, env=self.dated()).strip()

    def commit(self, name):
        (self.path / (name + ".txt")).write_text(name + "\n")
        self.git("add", name + ".txt")
        self.git("commit", "-q", "-m", name)
        return self.git("rev-parse", "HEAD")

    def revert(self, commit, *args, message=None):
        self.git("revert", "--no-edit", *args, commit)
        if message is not None:
            self.git("commit", "-q", "--amend", "-m", message)
        return self.git("rev-parse", "HEAD")

    def tag(self, name):
        self.git("tag", "-a", "-m", name, name)
        return self.time

    def backfill(self, agent, env, *args):
        result = run([agent, "backfill", "--repo", str(self.path), "--incidents", "reverts",
                      "--dry-run", *args], env)
        assert result.returncode == 0, result.stderr
        bodies = [json.loads(line) for line in result.stdout.splitlines()]
        return bodies, result.stderr

    def incidents(self, agent, env, *args):
        bodies, _ = self.backfill(agent, env, *args)
        return {b["incident_id"]: b for b in bodies if b["$type"] == "incident"}


def rfc(time):
    import datetime
    return datetime.datetime.fromtimestamp(time, datetime.timezone.utc).strftime(
        "%Y-%m-%dT%H:%M:%SZ")


def test_a_revert_shipped_in_the_next_release_is_one_incident(agent, env, workdir):
    r = Repo(workdir / "shop")
    r.commit("base")
    bad = r.commit("bad")
    shipped = r.tag("v1.0.0")
    fix = r.revert(bad)
    resolved = r.tag("v1.1.0")
    bodies, summary = r.backfill(agent, env)
    incidents = [b for b in bodies if b["$type"] == "incident"]
    assert incidents == [{"source": "git", "incident_id": "revert-" + fix,
                          "time_created": rfc(shipped), "time_resolved": rfc(resolved),
                          "$type": "incident"}]
    # Right after the deployment that resolves it.
    assert bodies[-2]["deploy_id"] == "v1.1.0" and bodies[-1] == incidents[0]
    assert "2 deployments, 1 incident" in summary
    without = run([agent, "backfill", "--repo", str(r.path), "--dry-run"], env)
    assert "incident" not in without.stdout


def test_a_patch_release_on_a_maintenance_branch_resolves_an_older_minor(agent, env, workdir):
    r = Repo(workdir / "shop")
    r.commit("base")
    bad = r.commit("bad")
    shipped = r.tag("v1.0.0")
    r.git("branch", "maint-1.0")
    r.commit("new feature")
    r.tag("v1.1.0")
    r.git("checkout", "-q", "maint-1.0")
    fix = r.revert(bad)
    resolved = r.tag("v1.0.1")
    found = r.incidents(agent, env)
    assert set(found) == {"revert-" + fix}
    assert found["revert-" + fix]["time_created"] == rfc(shipped)
    assert found["revert-" + fix]["time_resolved"] == rfc(resolved)


def test_a_merge_revert_and_an_abbreviated_id_are_found(agent, env, workdir):
    r = Repo(workdir / "shop")
    r.commit("base")
    r.git("checkout", "-q", "-b", "topic")
    r.commit("topic work")
    r.git("checkout", "-q", "main")
    r.git("merge", "-q", "--no-ff", "-m", "merge topic", "topic")
    merge = r.git("rev-parse", "HEAD")
    r.tag("v1.0.0")
    other = r.commit("other")
    r.tag("v1.1.0")
    merge_fix = r.revert(merge, "-m", "1")
    assert "reversing\nchanges made to" in r.git("log", "-1", "--format=%B")
    short_fix = r.revert(other, message="Revert other\n\nThis reverts commit %s." % other[:9])
    r.tag("v1.2.0")
    assert set(r.incidents(agent, env)) == {"revert-" + merge_fix, "revert-" + short_fix}


def ambiguous_prefix(repo):
    """A 4-digit prefix shared by two objects: blobs are written until two meet."""
    seen = {}
    for i in range(100000):
        blob = git(repo, "hash-object", "-w", "--stdin", input="blob %d\n" % i).strip()
        if blob[:4] in seen:
            return blob[:4]
        seen[blob[:4]] = blob
    raise AssertionError("no shared prefix")


def test_unknown_and_ambiguous_ids_are_skipped_and_counted(agent, env, workdir):
    r = Repo(workdir / "shop")
    r.commit("base")
    r.tag("v1.0.0")
    r.commit("work")
    prefix = ambiguous_prefix(r.path)
    r.git("commit", "-q", "--allow-empty", "-m", "Revert x\n\nThis reverts commit %s." % prefix)
    r.git("commit", "-q", "--allow-empty", "-m",
          "Revert y\n\nThis reverts commit 0000000000000000000000000000000000000001.")
    r.tag("v1.1.0")
    bodies, summary = r.backfill(agent, env)
    assert [b for b in bodies if b["$type"] == "incident"] == []
    assert "2 revert(s) skipped" in summary


def test_no_incident_when_users_never_had_the_change(agent, env, workdir):
    r = Repo(workdir / "shop")
    r.commit("base")
    r.tag("v1.0.0")
    same = r.commit("same release")
    r.revert(same)
    r.git("checkout", "-q", "-b", "topic")
    unreleased = r.commit("never released")
    r.git("checkout", "-q", "main")
    r.git("cherry-pick", unreleased)
    r.revert(unreleased)
    r.tag("v1.1.0")
    assert r.incidents(agent, env) == {}


def test_a_revert_of_a_revert_opens_nothing(agent, env, workdir):
    r = Repo(workdir / "shop")
    r.commit("base")
    bad = r.commit("bad")
    r.tag("v1.0.0")
    fix = r.revert(bad)
    r.tag("v1.1.0")
    r.revert(fix)
    r.tag("v1.2.0")
    assert set(r.incidents(agent, env)) == {"revert-" + fix}


def independent_incidents(path):
    """The incidents the git CLI alone computes: the release that first ships
    a commit is the earliest (by tag time, then name) of `git tag --contains`."""
    tags = git(path, "for-each-ref", "--format=%(creatordate:unix) %(refname:short)",
               "refs/tags").split("\n")
    order = {name: (int(t), name) for t, name in (line.split() for line in tags if line)}

    def first_release(commit):
        containing = git(path, "tag", "--contains", commit).split()
        return min(containing, key=lambda t: order[t]) if containing else None

    found = {}
    for line in git(path, "log", "--all", "--grep=This reverts commit",
                    "--format=%H %b%x00").split("\x00"):
        if not line.strip():
            continue
        revert, body = line.strip().split(" ", 1) if " " in line.strip() else (line.strip(), "")
        target = body.split("This reverts commit ", 1)[1].split(".")[0].split(",")[0]
        target_body = git(path, "log", "-1", "--format=%B", target)
        opened, resolved = first_release(target), first_release(revert)
        if (opened and resolved and order[opened] < order[resolved]
                and "This reverts commit" not in target_body):
            found["revert-" + revert] = (opened, resolved)
    return found


def test_random_histories_agree_with_the_git_cli(agent, env, workdir):
    total = 0
    for seed in range(3):
        rng = random.Random(seed)
        r = Repo(workdir / ("shop%d" % seed))
        commits = [r.commit("c0")]
        revertible = []
        released = 0
        for i in range(1, 40):
            roll = rng.random()
            if roll < 0.25 and revertible:
                # Each commit, a revert too, touches one file: reverting each
                # at most once never conflicts and never comes out empty.
                target = revertible.pop(rng.randrange(len(revertible)))
                commits.append(r.revert(target))
                revertible.append(commits[-1])
            elif roll < 0.4:
                released += 1
                r.tag("v1.%d.0" % released)
            else:
                commits.append(r.commit("c%d" % i))
                revertible.append(commits[-1])
        released += 1
        r.tag("v1.%d.0" % released)
        bodies, _ = r.backfill(agent, env)
        times = {b["deploy_id"]: b["time_created"] for b in bodies if b["$type"] == "deployment"}
        expected = independent_incidents(r.path)
        found = {b["incident_id"]: b for b in bodies if b["$type"] == "incident"}
        assert set(found) == set(expected), seed
        total += len(found)
        for key, (opened, resolved) in expected.items():
            assert found[key]["time_created"] == times[opened]
            assert found[key]["time_resolved"] == max(times[resolved], times[opened])
    assert total >= 3  # the histories do hold reverts that reached users


def test_the_hook_reports_a_revert_when_the_release_shipping_it_is_pushed(agent, env, workdir):
    server = Server(agent, env, workdir)
    git(server.path, "config", "pulse.incidents", "reverts")
    clone = server.clone()
    r = Repo.__new__(Repo)
    r.path, r.time = clone, BASE_TIME
    r.commit("base")
    bad = r.commit("bad")
    r.tag("v1.0.0")
    push(clone, env, "origin", "main", "v1.0.0")
    fix = r.revert(bad)
    push(clone, env, "origin", "main")
    assert events(agent, env, "incident") == {}
    r.tag("v1.1.0")
    push(clone, env, "origin", "v1.1.0")
    found = events(agent, env, "incident")
    deployed = events(agent, env, "deployment")
    assert set(found) == {"revert-" + fix}
    assert found["revert-" + fix]["time_created"] == deployed["v1.0.0"]["time_created"]
    assert found["revert-" + fix]["time_resolved"] == deployed["v1.1.0"]["time_created"]
    assert "1 incident" in hook_log(env)[-1]
    # A backfill afterwards queues the same key again: nothing new.
    again = run([agent, "backfill", "--repo", str(server.path)], env)
    assert "incident" not in again.stderr or "1 incident" in again.stderr
    assert len(events(agent, env, "incident")) == 1


def test_the_hook_reports_a_rollback_of_the_deploy_branch(agent, env, workdir):
    server = Server(agent, env, workdir)
    git(server.path, "config", "pulse.strategy", "branch")
    git(server.path, "config", "pulse.incidents", "rollbacks")
    clone = server.clone()
    r = Repo.__new__(Repo)
    r.path, r.time = clone, BASE_TIME
    good = r.commit("good")
    push(clone, env, "origin", "main")
    bad = r.commit("bad")
    push(clone, env, "origin", "main")
    push(clone, env, "--force", "origin", good + ":main")
    found = events(agent, env, "incident")
    deployed = events(agent, env, "deployment")
    key = "rollback-%s-%s" % (bad, good)
    assert set(found) == {key}
    assert found[key]["time_created"] == deployed[bad]["time_created"]
    assert found[key]["time_resolved"] >= found[key]["time_created"]


def test_the_daemon_reports_a_revert_when_the_release_shipping_it_appears(agent, env, workdir,
                                                                            server):
    mirror = make_mirror(workdir)
    git(mirror, "config", "pulse.incidents", "reverts")
    clone = make_clone(workdir, mirror)
    git(clone, "config", "user.name", "Ada Tester")
    git(clone, "config", "user.email", "ada@example.com")
    r = Repo.__new__(Repo)
    r.path, r.time = clone, BASE_TIME
    r.commit("base")
    bad = r.commit("bad")
    shipped = r.tag("v1.0.0")
    git(clone, "push", "-q", "origin", "main", "v1.0.0")
    watcher, aimed = start_watching(agent, env, workdir, server.url, mirror)
    try:
        fix = r.revert(bad)
        git(clone, "push", "-q", "origin", "main")
        watcher.wait_for_log("queued 1 change")
        r.tag("v1.1.0")
        git(clone, "push", "-q", "origin", "v1.1.0")
        watcher.wait_for_log("revert-" + fix)
    finally:
        watcher.ensure_stopped()
    found = events(agent, aimed, "incident")
    deployed = events(agent, aimed, "deployment")
    assert set(found) == {"revert-" + fix}
    # v1.0.0 predates the daemon's baseline: timed as a backfill times it.
    assert found["revert-" + fix]["time_created"] == rfc(shipped)
    assert found["revert-" + fix]["time_resolved"] == deployed["v1.1.0"]["time_created"]
