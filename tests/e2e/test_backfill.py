"""`pulse-agent backfill`: a real repository's history, derived by the real
binary, compared with what `git rev-list` says the spec's sets are; queued in
a real outbox and delivered to a real HTTP server on 127.0.0.1."""

import json
import os
import subprocess

import pytest

from agent_env import aimed_env
from conftest import API_KEY, git, outbox_rows, run

BASE_TIME = 1700000000


class Repo:
    """A repository built with the real git, each commit and tag one minute
    after the previous one."""

    def __init__(self, path, bare=False):
        self.path = path
        self.time = BASE_TIME
        path.mkdir(parents=True)
        git(path, "init", "-q", "-b", "main", *(["--bare"] if bare else []))

    def _dated(self):
        self.time += 60
        stamp = "%d +0000" % self.time
        return {"GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp}

    def git(self, *args, env=None):
        return git(self.path, *args, env=env).strip()

    def commit(self, message, author_time=None):
        env = self._dated()
        if author_time is not None:
            env["GIT_AUTHOR_DATE"] = "%d +0000" % author_time
        self.git("commit", "-q", "--allow-empty", "-m", message, env=env)
        return self.git("rev-parse", "HEAD")

    def tag(self, name, target="HEAD", annotated=True):
        args = ["tag", "-a", "-m", name, name, target] if annotated else ["tag", name, target]
        self.git(*args, env=self._dated())

    def rev_list(self, *args):
        return set(self.git("rev-list", *args).split())


@pytest.fixture
def repo(workdir):
    """main with releases v1.0.0, v1.1.0, a maintenance branch with hotfix
    v1.0.1 tagged after v1.1.0, a merge, a pre-release tag and a feature branch."""
    r = Repo(workdir / "shop")
    r.commit("first")
    r.tag("v1.0.0")
    r.git("checkout", "-q", "-b", "maint-1.0")
    r.git("checkout", "-q", "main")
    r.commit("feature work")
    r.git("checkout", "-q", "-b", "topic")
    r.commit("topic work")
    r.git("checkout", "-q", "main")
    r.git("merge", "-q", "--no-ff", "-m", "merge topic", "topic", env=r._dated())
    r.tag("v1.1.0", annotated=False)
    r.git("checkout", "-q", "maint-1.0")
    r.commit("hotfix")
    r.tag("v1.0.1")
    r.git("checkout", "-q", "main")
    r.commit("after the releases")
    r.tag("v1.2.0-rc1")
    return r


def backfill(agent, env, *args):
    return run([agent, "backfill"] + list(args), env)


def bodies(stdout):
    return [json.loads(line) for line in stdout.splitlines()]


def deployments(events):
    return {e["deploy_id"]: e for e in events if e["$type"] == "deployment"}


def test_dry_run_prints_the_spec_sets_changes_before_their_deployment(agent, env, repo):
    result = backfill(agent, env, "--repo", str(repo.path), "--dry-run")
    assert result.returncode == 0, result.stderr
    events = bodies(result.stdout)
    changes = [e["change_id"] for e in events if e["$type"] == "change"]
    assert set(changes) == repo.rev_list("--branches", "--tags=v*.*.*")
    assert len(changes) == len(set(changes))
    deps = deployments(events)
    assert list(deps) == ["v1.0.0", "v1.1.0", "v1.0.1"]
    assert set(deps["v1.0.0"]["changes"]) == repo.rev_list("v1.0.0")
    assert set(deps["v1.1.0"]["changes"]) == repo.rev_list("v1.1.0", "--not", "v1.0.0")
    assert set(deps["v1.0.1"]["changes"]) == repo.rev_list("v1.0.1", "--not", "v1.0.0", "v1.1.0")
    assert len(deps["v1.0.1"]["changes"]) == 1
    position = {id(e): i for i, e in enumerate(events)}
    index_of_change = {e["change_id"]: position[id(e)] for e in events if e["$type"] == "change"}
    for dep in deps.values():
        assert dep["source"] == "git" and dep["teams"] == []
        for sha in dep["changes"]:
            assert index_of_change[sha] < position[id(dep)]
    first = next(e for e in events if e["$type"] == "change")
    assert list(first) == ["source", "change_id", "time_created", "event_type", "$type"]
    assert "dry run" in result.stderr
    assert "3 deployments" in result.stderr
    assert "1 not matching the release pattern" in result.stderr


def test_lightweight_tag_time_is_its_commit_and_annotated_its_tagger(agent, env, repo):
    result = backfill(agent, env, "--repo", str(repo.path), "--dry-run")
    deps = deployments(bodies(result.stdout))
    commit_time = int(repo.git("log", "-1", "--format=%ct", "v1.1.0"))
    assert deps["v1.1.0"]["time_created"] == _rfc3339(commit_time)
    tagger = repo.git("for-each-ref", "--format=%(taggerdate:unix)", "refs/tags/v1.0.1")
    assert deps["v1.0.1"]["time_created"] == _rfc3339(int(tagger))


def _rfc3339(seconds):
    import datetime
    return datetime.datetime.fromtimestamp(seconds, datetime.timezone.utc).strftime(
        "%Y-%m-%dT%H:%M:%SZ")


def test_queues_once_and_a_rerun_queues_nothing_new(agent, env, repo):
    first = backfill(agent, env, "--repo", str(repo.path))
    assert first.returncode == 3, first.stderr  # queued, no API key
    expected = len(repo.rev_list("--branches", "--tags=v*.*.*")) + 3
    assert "%d new, 0 already queued" % expected in first.stderr
    assert first.stderr.count("\n") <= 3, first.stderr  # no line per event
    rows = outbox_rows(agent, env)
    assert len(rows) == expected
    assert {r["system"] for r in rows} == {"shop"}
    assert all(r["state"] == "queued" for r in rows)
    again = backfill(agent, env, "--repo", str(repo.path))
    assert again.returncode == 0, again.stderr
    assert "0 new, %d already queued" % expected in again.stderr
    assert len(outbox_rows(agent, env)) == expected


def test_dry_run_bodies_are_the_queued_bodies(agent, env, repo):
    dry = backfill(agent, env, "--repo", str(repo.path), "--dry-run")
    backfill(agent, env, "--repo", str(repo.path))
    queued = [json.dumps(r["body"], separators=(",", ":"), ensure_ascii=False)
              for r in outbox_rows(agent, env)]
    assert queued == dry.stdout.splitlines()


def test_delivers_to_the_api_with_the_backfill_environment(agent, env, workdir, server, repo):
    aimed = aimed_env(env, workdir, server.url)
    result = backfill(agent, aimed, "--repo", str(repo.path), "--system", "web shop")
    assert result.returncode == 0, result.stderr
    expected = len(repo.rev_list("--branches", "--tags=v*.*.*")) + 3
    assert len(server.delivered) == expected
    request = server.requests[0]
    assert request.query == {"api_key": API_KEY, "system": "web shop"}
    assert request.headers["environment"] == "git-backfill"
    assert API_KEY not in result.stderr + result.stdout


def test_settings_from_git_config_and_the_config_file(agent, env, workdir, repo):
    repo.git("config", "pulse.system", "from-git")
    repo.git("config", "pulse.strategy", "branch")
    repo.git("config", "pulse.deployBranch", "maint-1.0")
    result = backfill(agent, env, "--repo", str(repo.path), "--dry-run")
    assert result.returncode == 0, result.stderr
    assert "system 'from-git'" in result.stderr
    deps = deployments(bodies(result.stdout))
    assert set(deps) == repo.rev_list("--first-parent", "maint-1.0")
    config = workdir / "config.yaml"
    config.write_text("repositories:\n  - path: %s\n    system: from-file\n    strategy: tags\n"
                      "    tag_pattern: '^v1\\.0\\.'\n" % repo.path)
    env = dict(env, PULSE_CONFIG=str(config))
    result = backfill(agent, env, "--dry-run")  # every repository of the config file
    assert result.returncode == 0, result.stderr
    assert "system 'from-file'" in result.stderr
    assert list(deployments(bodies(result.stdout))) == ["v1.0.0", "v1.0.1"]
    result = backfill(agent, env, "--dry-run", "--repo", str(repo.path), "--strategy", "none",
                      "--system", "from-flag")
    assert "system 'from-flag'" in result.stderr
    assert deployments(bodies(result.stdout)) == {}


def test_branches_tag_pattern_since_and_change_time(agent, env, workdir):
    r = Repo(workdir / "app")
    r.commit("old", author_time=1000000000)
    r.tag("release-1")
    since = r.time + 30
    new = r.commit("new", author_time=1100000000)
    r.tag("release-2")
    r.git("checkout", "-q", "-b", "wip/x")
    wip = r.commit("wip")
    result = backfill(agent, env, "--repo", str(r.path), "--dry-run", "--tag-pattern",
                      "^release-", "--branches", "main", "--since", str(since),
                      "--change-time", "author")
    assert result.returncode == 0, result.stderr
    events = bodies(result.stdout)
    assert [e.get("change_id") for e in events if e["$type"] == "change"] == []  # authored earlier
    deps = deployments(events)
    assert list(deps) == ["release-2"]
    assert deps["release-2"]["changes"] == [new]
    assert wip not in result.stdout
    # Every branch tracked now; "old" was authored in 2001, "new" in 2004.
    result = backfill(agent, env, "--repo", str(r.path), "--dry-run", "--tag-pattern",
                      "^release-", "--since", "2003-01-01", "--change-time", "author")
    changes = [e["change_id"] for e in bodies(result.stdout) if e["$type"] == "change"]
    assert changes == [new, wip]
    assert "1 event outside --since/--until" in result.stderr  # "old"


def test_clear_errors_and_notes(agent, env, workdir):
    result = backfill(agent, env, "--repo", str(workdir / "nothing"))
    assert result.returncode == 1
    assert "pulse-agent: error: opening repository '%s'" % (workdir / "nothing") in result.stderr
    Repo(workdir / "empty.git", bare=True)
    result = backfill(agent, env, "--repo", str(workdir / "empty.git"))
    assert result.returncode == 0, result.stderr
    assert "empty" in result.stderr
    assert "system 'empty'" in result.stderr
    origin = Repo(workdir / "origin")
    for i in range(4):
        origin.commit("c%d" % i)
    subprocess.run(["git", "clone", "-q", "--depth", "2", "file://%s" % origin.path,
                    str(workdir / "shallow")], check=True, env=env)
    result = backfill(agent, env, "--repo", str(workdir / "shallow"), "--dry-run")
    assert result.returncode == 0, result.stderr
    assert "history is cut" in result.stderr
    assert len(result.stdout.splitlines()) == 2
    result = backfill(agent, env, "--repo", str(origin.path), "--strategy", "weekly")
    assert result.returncode == 2
    assert "--strategy" in result.stderr
    result = backfill(agent, env, "--repo", str(origin.path), "--since", "yesterday")
    assert result.returncode == 2


def test_one_failing_repository_does_not_stop_the_others(agent, env, workdir, repo):
    result = backfill(agent, env, "--repo", str(workdir / "missing"), "--repo", str(repo.path),
                      "--dry-run")
    assert result.returncode == 1
    assert len(bodies(result.stdout)) > 0
    assert "system 'shop'" in result.stderr


def test_a_failed_repository_outweighs_queued_events(agent, env, workdir, repo):
    # Events queued but not delivered (no API key) earn 3; a repository that
    # could not be read must still make the run exit 1.
    result = backfill(agent, env, "--repo", str(repo.path), "--repo", str(workdir / "missing"))
    assert result.returncode == 1, result.stderr
    assert "new," in result.stderr
    assert str(workdir / "missing") in result.stderr
    assert outbox_rows(agent, env)


def test_unusual_ref_names(agent, env, workdir):
    r = Repo(workdir / "ünïcode.git")
    r.commit("a")
    r.tag("rel-été")
    r.git("branch", "feature/日本語")
    result = backfill(agent, env, "--repo", str(r.path), "--dry-run", "--tag-pattern", "^rel-")
    assert result.returncode == 0, result.stderr
    assert list(deployments(bodies(result.stdout))) == ["rel-été"]
    assert "system 'ünïcode'" in result.stderr


def test_help_has_examples_and_exit_codes(agent, env):
    result = backfill(agent, env, "--help")
    assert result.returncode == 0
    for text in ("Examples:", "--dry-run", "--tag-pattern", "Exit codes:", "--change-time"):
        assert text in result.stdout


def test_config_globs_expand_and_their_settings_apply(agent, env, workdir):
    for name in ("a.git", "b.git"):
        r = Repo(workdir / "git" / name, bare=True)
        work = Repo(workdir / ("work-" + name))
        work.commit("c in " + name)
        work.tag("v1.0.0")
        work.git("push", "-q", str(r.path), "main", "v1.0.0")
    config = workdir / "glob.yaml"
    config.write_text("repositories:\n  - path: %s/git/*.git\n    strategy: none\n" % workdir)
    result = backfill(agent, dict(env, PULSE_CONFIG=str(config)), "--dry-run")
    assert result.returncode == 0, result.stderr
    assert "system 'a'" in result.stderr and "system 'b'" in result.stderr
    events = bodies(result.stdout)
    assert len(events) == 2 and all(e["$type"] == "change" for e in events)
