"""`pulse-agent push git deployment`: the Go CLI's git helper with its flags
unchanged, on a real repository, through the outbox to a real HTTP server."""

import json

import pytest

from agent_env import aimed_env
from conftest import API_KEY, git, outbox_rows, run

TIMESTAMP = "1602848432"  # 2020-10-16T11:40:32Z


@pytest.fixture
def repo(workdir):
    """A work tree: v1.0.0, then commits in services/billing, services/web and a merge."""
    path = workdir / "mono"
    path.mkdir()
    state = {"time": 1700000000}

    def commit(message, files=(), author_time=None):
        state["time"] += 60
        for name in files:
            target = path / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(message + "\n")
            git(path, "add", name)
        env = {"GIT_COMMITTER_DATE": "%d +0000" % state["time"],
               "GIT_AUTHOR_DATE": "%d +0000" % (author_time or state["time"] - 30)}
        git(path, "commit", "-q", "--allow-empty", "-m", message, env=env)
        return git(path, "rev-parse", "HEAD").strip()

    git(path, "init", "-q", "-b", "main")
    base = commit("base", ["README"])
    git(path, "tag", "v1.0.0")
    ids = {"base": base,
           "billing": commit("billing fix", ["services/billing/app.py"], author_time=1600000000),
           "web": commit("web change", ["services/web/app.js"])}
    git(path, "checkout", "-q", "-b", "topic", "v1.0.0")
    ids["topic"] = commit("topic billing", ["services/billing/other.py"])
    git(path, "checkout", "-q", "main")
    state["time"] += 60
    git(path, "merge", "-q", "--no-ff", "-m", "merge topic", "topic",
        env={"GIT_COMMITTER_DATE": "%d +0000" % state["time"],
             "GIT_AUTHOR_DATE": "%d +0000" % state["time"]})
    ids["merge"] = git(path, "rev-parse", "HEAD").strip()
    return path, ids


def git_deployment(agent, env, *args, cwd=None):
    return run([agent, "push", "git", "deployment"] + list(args), env, cwd=cwd)


def base_args(identifier="v1.1.0"):
    return ["--previous-deployment-ref", "v1.0.0", "--identifier", identifier,
            "--timestamp", TIMESTAMP]


def lines(stdout):
    return [json.loads(line) for line in stdout.splitlines()]


def test_dry_run_lists_ref_to_head_with_author_dates(agent, env, repo):
    path, ids = repo
    result = git_deployment(agent, env, *base_args(), "--teams", "web, api", "--directory",
                            str(path), "--dry-run")
    assert result.returncode == 0, result.stderr
    events = lines(result.stdout)
    changes, deployment = events[:-1], events[-1]
    expected = set(git(path, "rev-list", "v1.0.0..HEAD").split())
    assert {c["change_id"] for c in changes} == expected
    assert len(changes) == 4
    billing = next(c for c in changes if c["change_id"] == ids["billing"])
    assert billing == {"source": "git", "change_id": ids["billing"],
                       "time_created": "2020-09-13T12:26:40Z", "event_type": "commit",
                       "$type": "change"}
    assert deployment == {"source": "git", "deploy_id": "v1.1.0",
                          "time_created": "2020-10-16T11:40:32Z",
                          "changes": [c["change_id"] for c in changes], "teams": ["web", " api"],
                          "$type": "deployment"}


def test_committer_time_on_request(agent, env, repo):
    path, ids = repo
    result = git_deployment(agent, env, *base_args(), "--directory", str(path), "--dry-run",
                            "--change-time", "committer")
    billing = next(e for e in lines(result.stdout) if e.get("change_id") == ids["billing"])
    assert billing["time_created"] == "2023-11-14T22:15:20Z"


def test_paths_limit_commits_to_a_monorepo_folder(agent, env, repo):
    path, ids = repo
    result = git_deployment(agent, env, *base_args(), "--directory", str(path), "--dry-run",
                            "services/billing")
    assert result.returncode == 0, result.stderr
    deployment = lines(result.stdout)[-1]
    # The merge differs there from both parents (each lacks the other's file).
    assert set(deployment["changes"]) == {ids["billing"], ids["topic"], ids["merge"]}
    assert set(deployment["changes"]) == set(
        git(path, "log", "--format=%H", "v1.0.0..HEAD", "--", "services/billing").split())
    # Without --directory, paths are relative to where we stand (the Go CLI's
    # default --directory is the current folder).
    result = git_deployment(agent, env, *base_args(), "--dry-run", "billing",
                            cwd=str(path / "services"))
    assert result.returncode == 0, result.stderr
    assert set(lines(result.stdout)[-1]["changes"]) == {ids["billing"], ids["topic"],
                                                        ids["merge"]}


def test_sends_through_the_outbox_once(agent, env, workdir, server, repo):
    path, _ = repo
    aimed = aimed_env(env, workdir, server.url)
    result = git_deployment(agent, aimed, *base_args(), "--directory", str(path))
    assert result.returncode == 0, result.stderr
    assert len(server.delivered) == 5
    assert server.requests[-1].json["deploy_id"] == "v1.1.0"
    assert server.requests[0].query == {"api_key": API_KEY}
    assert all(r.json["$type"] == "change" for r in server.requests[:4])
    again = git_deployment(agent, aimed, *base_args(), "--directory", str(path), "--system", "")
    assert again.returncode == 0, again.stderr
    assert len(server.requests) == 5
    assert again.stderr.count("already") == 5
    with_system = git_deployment(agent, aimed, *base_args("v1.1.0-b"), "--directory", str(path),
                                 "--system", "billing")
    assert with_system.returncode == 0
    assert server.requests[-1].query == {"api_key": API_KEY, "system": "billing"}
    assert len(outbox_rows(agent, aimed)) == 5 + 5


def test_errors(agent, env, repo, workdir):
    path, _ = repo
    result = git_deployment(agent, env, "--previous-deployment-ref", "nope", "--identifier", "x",
                            "--timestamp", TIMESTAMP, "--directory", str(path), "--dry-run")
    assert result.returncode == 1
    assert "--previous-deployment-ref" in result.stderr and "nope" in result.stderr
    result = git_deployment(agent, env, *base_args(), "--directory", str(workdir / "none"),
                            "--dry-run")
    assert result.returncode == 1
    assert "opening repository" in result.stderr
    result = git_deployment(agent, env, "--identifier", "x", "--timestamp", TIMESTAMP)
    assert result.returncode == 2
    result = git_deployment(agent, env, "--help")
    assert result.returncode == 0
    assert "--previous-deployment-ref" in result.stdout and "Exit codes:" in result.stdout
