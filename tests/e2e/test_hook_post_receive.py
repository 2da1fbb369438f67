"""The post-receive hook on a real bare repository, fed by real `git push`es
over file://: every event it queues is what `git rev-list` says it must be
(docs/derivation.md), timed at the push, and nothing else."""

import math
import os
import stat
import subprocess

from conftest import git, outbox_rows
from test_hook_support import (Server, change_ids, commit, commits, deployments, events,
                               hook_log, push, remote_lines, timed_push, unix,
                               wait_for_derivation)


def assert_timed_within(body, start, end):
    assert math.floor(start) <= unix(body["time_created"]) <= math.ceil(end)


def test_the_hook_log_is_private_whatever_the_umask(agent, env, workdir):
    server = Server(agent, env, workdir)
    clone = server.clone()
    commits(clone, 1)
    result = subprocess.run(["git", "-C", str(clone), "push", "origin", "main"], env=env,
                            capture_output=True, text=True, timeout=30,
                            preexec_fn=lambda: os.umask(0))
    assert result.returncode == 0, result.stderr
    wait_for_derivation(env)
    assert len(hook_log(env)) == 1
    mode = stat.S_IMODE(os.stat(env["PULSE_OUTBOX"] + ".hook.log").st_mode)
    assert mode == 0o600, oct(mode)


def test_branch_create_queues_every_commit_at_push_time(agent, env, workdir):
    server = Server(agent, env, workdir)
    clone = server.clone()
    commits(clone, 3)
    result, _, start, end = timed_push(clone, env, "origin", "main")
    assert change_ids(agent, env) == server.rev_list("main")
    for body in events(agent, env, "change").values():
        assert body["source"] == "git" and body["event_type"] == "commit"
        assert_timed_within(body, start, end)
    # The push is only written down: quiet, and the background process logs it.
    assert remote_lines(result) == []
    assert hook_log(env) == ["'%s': queued 3 changes, 0 deployments" % server.path]
    assert {row["system"] for row in outbox_rows(agent, env)} == {"shop"}


def test_branch_update_queues_only_the_new_commits(agent, env, workdir):
    server = Server(agent, env, workdir)
    clone = server.clone()
    commits(clone, 2)
    push(clone, env, "origin", "main")
    old = git(server.path, "rev-parse", "main").strip()
    commits(clone, 2, prefix="more")
    push(clone, env, "origin", "main")
    assert change_ids(agent, env) == server.rev_list("main")
    assert len(outbox_rows(agent, env)) == 4
    assert server.rev_list("main", "^" + old) <= change_ids(agent, env)


def test_forced_update_queues_the_rewrite_not_the_rewound(agent, env, workdir):
    server = Server(agent, env, workdir)
    clone = server.clone()
    first, rewound = commits(clone, 2)
    push(clone, env, "origin", "main")
    git(clone, "reset", "-q", "--hard", first)
    rewrite = commit(clone, "rewrite")
    result = push(clone, env, "--force", "origin", "main")
    assert change_ids(agent, env) == {first, rewound, rewrite}
    assert remote_lines(result) == []
    assert hook_log(env)[-1] == "'%s': queued 1 change, 0 deployments" % server.path


def test_branch_delete_queues_nothing_and_says_nothing(agent, env, workdir):
    server = Server(agent, env, workdir)
    clone = server.clone()
    commits(clone, 1)
    push(clone, env, "origin", "main", "main:feature")
    before = outbox_rows(agent, env)
    result = push(clone, env, "origin", ":feature")
    assert outbox_rows(agent, env) == before
    assert remote_lines(result) == []


def test_a_commit_pushed_to_two_branches_at_once_is_one_change(agent, env, workdir):
    server = Server(agent, env, workdir)
    clone = server.clone()
    ids = commits(clone, 2)
    push(clone, env, "origin", "HEAD:main", "HEAD:feature")
    assert change_ids(agent, env) == set(ids)
    # A branch created later on commits already pushed brings nothing new.
    push(clone, env, "origin", "HEAD:another")
    assert len(outbox_rows(agent, env)) == 2


def test_a_merge_queues_the_merge_commit_only(agent, env, workdir):
    server = Server(agent, env, workdir)
    clone = server.clone()
    commits(clone, 1, prefix="base")
    push(clone, env, "origin", "main")
    git(clone, "checkout", "-q", "-b", "feature")
    feature = commits(clone, 2, prefix="feature")
    push(clone, env, "origin", "feature")
    git(clone, "checkout", "-q", "main")
    on_main = commit(clone, "on main")
    git(clone, "merge", "-q", "--no-ff", "-m", "merge feature", "feature")
    merge = git(clone, "rev-parse", "HEAD").strip()
    push(clone, env, "origin", "main")
    assert change_ids(agent, env) == server.rev_list("main")
    assert set(feature) < change_ids(agent, env) and {on_main, merge} < change_ids(agent, env)
    assert len(outbox_rows(agent, env)) == 5


def test_release_tags_ship_exactly_the_rev_list_ranges(agent, env, workdir):
    server = Server(agent, env, workdir)
    clone = server.clone()
    commits(clone, 2)
    git(clone, "tag", "v1.0.0")
    _, _, start, end = timed_push(clone, env, "origin", "main", "v1.0.0")
    commits(clone, 3, prefix="next")
    git(clone, "tag", "-a", "-m", "release 1.1.0", "v1.1.0")
    push(clone, env, "origin", "main", "v1.1.0")
    assert hook_log(env)[-1] == "'%s': queued 3 changes, 1 deployment" % server.path
    assert deployments(agent, env) == {"v1.0.0": server.rev_list("v1.0.0"),
                                       "v1.1.0": server.rev_list("v1.1.0", "^v1.0.0")}
    # A lightweight tag has no time of its own: the push's.
    assert_timed_within(events(agent, env, "deployment")["v1.0.0"], start, end)
    rows = [(row["type"], row["id"]) for row in outbox_rows(agent, env)]
    assert rows.index(("deployment", "v1.1.0")) == len(rows) - 1


def test_annotated_tag_of_pushed_commits_carries_its_tagger_time(agent, env, workdir):
    server = Server(agent, env, workdir)
    clone = server.clone()
    commits(clone, 2)
    push(clone, env, "origin", "main")
    tagger_time = int(unix(events(agent, env, "change").popitem()[1]["time_created"])) + 600
    git(clone, "tag", "-a", "-m", "release", "v2.0.0",
        env={"GIT_COMMITTER_DATE": "%d +0000" % tagger_time})
    push(clone, env, "origin", "v2.0.0")
    body = events(agent, env, "deployment")["v2.0.0"]
    assert unix(body["time_created"]) == tagger_time
    assert set(body["changes"]) == server.rev_list("v2.0.0")


def test_a_tag_made_long_ago_never_precedes_the_changes_it_ships(agent, env, workdir):
    server = Server(agent, env, workdir)
    clone = server.clone()
    commits(clone, 1)
    git(clone, "tag", "-a", "-m", "old", "v0.1.0", env={"GIT_COMMITTER_DATE": "1600000000 +0000"})
    _, _, start, end = timed_push(clone, env, "origin", "main", "v0.1.0")
    assert_timed_within(events(agent, env, "deployment")["v0.1.0"], start, end)


def test_a_tag_pushed_after_its_changes_never_precedes_their_push(agent, env, workdir):
    # The commits were pushed (and timed) first; the tag, made long ago on a
    # laptop, comes in a later push: its time is raised to theirs.
    server = Server(agent, env, workdir)
    clone = server.clone()
    commits(clone, 2)
    git(clone, "tag", "-a", "-m", "old", "v0.2.0", env={"GIT_COMMITTER_DATE": "1600000000 +0000"})
    push(clone, env, "origin", "main")
    latest = max(unix(body["time_created"]) for body in events(agent, env, "change").values())
    push(clone, env, "origin", "v0.2.0")
    body = events(agent, env, "deployment")["v0.2.0"]
    assert set(body["changes"]) == server.rev_list("v0.2.0")
    assert unix(body["time_created"]) == latest


def test_nested_annotated_tag_is_a_release_timed_by_the_outer_tag(agent, env, workdir):
    server = Server(agent, env, workdir)
    clone = server.clone()
    commits(clone, 2)
    push(clone, env, "origin", "main")
    git(clone, "tag", "-a", "-m", "inner", "inner", env={"GIT_COMMITTER_DATE": "1900000000 +0000"})
    git(clone, "tag", "-a", "-m", "outer", "v3.0.0", "inner",
        env={"GIT_COMMITTER_DATE": "1900000100 +0000"})
    push(clone, env, "origin", "inner", "v3.0.0")
    body = events(agent, env, "deployment")["v3.0.0"]
    assert unix(body["time_created"]) == 1900000100
    assert set(body["changes"]) == server.rev_list("v3.0.0")
    assert list(deployments(agent, env)) == ["v3.0.0"]


def test_tag_delete_and_move_are_noted_once_and_never_re_reported(agent, env, workdir):
    server = Server(agent, env, workdir)
    clone = server.clone()
    first, _ = commits(clone, 2)
    git(clone, "tag", "v1.0.0")
    git(clone, "tag", "v1.1.0")
    push(clone, env, "origin", "main", "v1.0.0", "v1.1.0")
    queued = outbox_rows(agent, env)
    git(clone, "tag", "-f", "v1.0.0", first)
    moved = push(clone, env, "--force", "origin", "v1.0.0")
    deleted = push(clone, env, "origin", ":refs/tags/v1.1.0")
    assert outbox_rows(agent, env) == queued
    assert remote_lines(moved) == [] and remote_lines(deleted) == []
    moved_line, deleted_line = hook_log(env)[-2:]
    assert moved_line.startswith("'%s': queued 0 changes, 0 deployments; " % server.path)
    assert "release tag 'v1.0.0' moved" in moved_line and "not reported again" in moved_line
    assert "release tag 'v1.1.0' deleted" in deleted_line
    # Noted once: a later push does not repeat it.
    commits(clone, 1, prefix="later")
    push(clone, env, "origin", "main")
    assert sum("moved" in line for line in hook_log(env)) == 1


def test_pre_releases_and_other_tags_are_not_deployments(agent, env, workdir):
    server = Server(agent, env, workdir)
    clone = server.clone()
    commits(clone, 1)
    push(clone, env, "origin", "main")
    commit(clone, "only on a tag")
    for name in ("v1.0.0-rc1", "gitgui-0.10.0", "v1.5.3.1"):
        git(clone, "tag", name)
    result = push(clone, env, "origin", "--tags")
    assert deployments(agent, env) == {}
    assert len(change_ids(agent, env)) == 1
    assert remote_lines(result) == []


def test_review_notes_and_other_refs_make_no_events_until_a_branch_has_them(agent, env,
                                                                            workdir):
    server = Server(agent, env, workdir)
    clone = server.clone()
    commits(clone, 1)
    push(clone, env, "origin", "main")
    pending = commit(clone, "under review")
    refs = ["refs/changes/01/1/1", "refs/merge-requests/1/head", "refs/keep-around/" + pending,
            "refs/pull/1/head", "refs/notes/commits", "refs/for/main"]
    result = push(clone, env, "origin", *["HEAD:" + ref for ref in refs])
    assert remote_lines(result) == [] and len(change_ids(agent, env)) == 1
    push(clone, env, "origin", "HEAD:main")
    assert pending in change_ids(agent, env)


def test_branch_strategy_deploys_each_update_of_the_deploy_branch(agent, env, workdir):
    server = Server(agent, env, workdir)
    git(server.path, "config", "pulse.strategy", "branch")
    git(server.path, "config", "pulse.deployBranch", "production")
    clone = server.clone()
    commits(clone, 2)
    push(clone, env, "origin", "main", "main:production")
    first = git(server.path, "rev-parse", "production").strip()
    commits(clone, 2, prefix="next")
    git(clone, "tag", "v1.0.0")
    push(clone, env, "origin", "main", "v1.0.0")
    assert set(deployments(agent, env)) == {first}
    push(clone, env, "origin", "main:production")
    second = git(server.path, "rev-parse", "production").strip()
    assert deployments(agent, env) == {first: server.rev_list(first),
                                       second: server.rev_list(second, "^" + first)}
    assert change_ids(agent, env) == server.rev_list("main")


def test_untracked_branches_make_no_changes(agent, env, workdir):
    server = Server(agent, env, workdir)
    git(server.path, "config", "pulse.branches", "main")
    clone = server.clone()
    commits(clone, 1)
    push(clone, env, "origin", "main")
    wip = commit(clone, "wip")
    push(clone, env, "origin", "HEAD:wip")
    assert wip not in change_ids(agent, env)
    push(clone, env, "origin", "HEAD:main")
    assert wip in change_ids(agent, env)


def test_system_comes_from_the_repository_settings(agent, env, workdir):
    server = Server(agent, env, workdir, name="web-shop")
    clone = server.clone()
    commits(clone, 1)
    push(clone, env, "origin", "main")
    git(server.path, "config", "pulse.system", "storefront")
    commits(clone, 1, prefix="next")
    push(clone, env, "origin", "main")
    assert [row["system"] for row in outbox_rows(agent, env)] == ["web-shop", "storefront"]


def test_silent_on_success_and_the_pusher_is_logged(agent, env, workdir):
    server = Server(agent, env, workdir)
    clone = server.clone()
    commits(clone, 1)
    assert remote_lines(push(clone, dict(env, PULSE_HOOK_QUIET="1"), "origin", "main")) == []
    commits(clone, 1, prefix="last")
    result = push(clone, dict(env, GL_USERNAME="ada"), "origin", "main")
    assert remote_lines(result) == []
    assert hook_log(env)[-1] == "'%s': queued 1 change, 0 deployments (push by ada)" % server.path
    assert len(change_ids(agent, env)) == 2
    # Kept for the log, never sent.
    assert all("ada" not in str(row) for row in outbox_rows(agent, env))


def test_config_file_entry_sets_system_and_strategy(agent, env, workdir):
    server = Server(agent, env, workdir)
    config = workdir / "repos.yaml"
    config.write_text("repositories:\n  - path: %s\n    system: shopfront\n"
                      "    strategy: none\n" % server.path)
    configured = dict(env, PULSE_CONFIG=str(config))
    clone = server.clone()
    commits(clone, 2)
    git(clone, "tag", "v1.0.0")
    push(clone, configured, "origin", "main", "v1.0.0")
    rows = outbox_rows(agent, configured)
    assert {(row["system"], row["type"]) for row in rows} == {("shopfront", "change")}
    assert len(rows) == 2


def test_a_push_too_big_for_the_spool_goes_to_the_outbox_whole(agent, env, workdir):
    # Whoever owns the outbox reads at most 64 MB from the spool: a bigger
    # push (700,000 new branches) is recorded in the outbox itself, whole.
    repo = workdir / "huge.git"
    git(workdir, "init", "-q", "--bare", str(repo))
    config = workdir / "service.yaml"
    config.write_text("hook:\n  deliver: service\n")  # no background process
    spool = workdir / "spool"
    spool.mkdir(mode=0o700)
    aimed = dict(env, PULSE_CONFIG=str(config), PULSE_SPOOL=str(spool))
    lines = ["%s %040x refs/heads/topic/%07d\n" % ("0" * 40, i + 1, i) for i in range(700000)]
    updates = "".join(lines)
    assert len(updates) > 64 << 20
    done = subprocess.run([agent, "hook", "post-receive"], input=updates.encode(), cwd=str(repo),
                          env=aimed, capture_output=True, timeout=300)
    assert done.returncode == 0 and done.stderr == b"", done.stderr
    assert list(spool.iterdir()) == []
    import sqlite3
    with sqlite3.connect(aimed["PULSE_OUTBOX"]) as db:
        kept = db.execute("SELECT git_dir, updates FROM pushes").fetchall()
    assert kept == [(str(repo), updates)]

