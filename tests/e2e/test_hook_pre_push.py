"""The pre-push hook in a developer's clone: one change per commit the remote
does not have yet, timed at the start of the push; it fails open and keeps a
chained hook's verdict."""

import math
import os
import subprocess

from agent_env import aimed_env, delivered_ids
from conftest import git, outbox_rows, run
from test_hook_support import (Server, change_ids, commit, commits, events, timed_push, unix,
                               wait_for_derivation)


def hooked_clone(agent, env, workdir, name="laptop"):
    """A repository with some history, and a clone of it with pre-push installed."""
    server = Server(agent, env, workdir, install=False)
    seed = server.clone("seed")
    commits(seed, 2, prefix="seed")
    git(seed, "push", "-q", "origin", "main")
    clone = server.clone(name)
    result = run([agent, "install-hooks", str(clone)], env)
    assert result.returncode == 0, result.stderr
    return server, clone


def rev_list(clone, *args):
    return set(git(clone, "rev-list", *args).split())


def test_new_branch_records_only_what_the_remote_lacks(agent, env, workdir):
    _, clone = hooked_clone(agent, env, workdir)
    git(clone, "checkout", "-q", "-b", "feature")
    commits(clone, 2, prefix="feature")
    result, _, start, end = timed_push(clone, env, "origin", "feature")
    assert change_ids(agent, env) == rev_list(clone, "feature", "^origin/main")
    for body in events(agent, env, "change").values():
        assert math.floor(start) <= unix(body["time_created"]) <= math.ceil(end)
    assert "pulse-agent: queued 2 changes, 0 deployments" in result.stderr
    assert {row["system"] for row in outbox_rows(agent, env)} == {"laptop"}


def test_existing_branch_records_the_new_commits(agent, env, workdir):
    _, clone = hooked_clone(agent, env, workdir)
    old = git(clone, "rev-parse", "origin/main").strip()
    commits(clone, 3)
    timed_push(clone, env, "origin", "main")
    assert change_ids(agent, env) == rev_list(clone, "main", "^" + old)
    # Nothing new the second time, and a branch on pushed commits adds nothing.
    timed_push(clone, env, "origin", "main", "main:copy")
    assert len(outbox_rows(agent, env)) == 3


def test_remote_id_the_clone_does_not_have(agent, env, workdir):
    server, clone = hooked_clone(agent, env, workdir)
    other = server.clone("other")
    elsewhere = commit(other, "pushed from elsewhere")
    git(other, "push", "-q", "origin", "main")
    mine = commit(clone, "mine")
    # The clone never fetched `elsewhere`; --force-with-lease would refuse, --force sends it.
    result, _, _, _ = timed_push(clone, env, "--force", "origin", "main")
    assert "error" not in result.stderr
    assert change_ids(agent, env) == {mine}
    assert elsewhere not in rev_list(clone, "--all")


def test_push_to_a_url_uses_the_remote_ids(agent, env, workdir):
    server, clone = hooked_clone(agent, env, workdir)
    new = commits(clone, 2)
    timed_push(clone, env, server.url, "main")
    assert change_ids(agent, env) == set(new)


def test_release_tag_push_records_its_unpushed_commits(agent, env, workdir):
    _, clone = hooked_clone(agent, env, workdir)
    tagged = commit(clone, "release me")
    git(clone, "tag", "v1.0.0")
    git(clone, "tag", "v1.0.0-rc1")
    timed_push(clone, env, "origin", "v1.0.0-rc1")
    # Nothing queued: the outbox holds no change, or was not even made.
    assert not os.path.exists(env["PULSE_OUTBOX"]) or change_ids(agent, env) == set()
    timed_push(clone, env, "origin", "v1.0.0")
    assert change_ids(agent, env) == {tagged}
    assert events(agent, env, "deployment") == {}


def test_delivered_events_carry_the_pre_push_environment(agent, env, workdir, server):
    aimed = aimed_env(env, workdir, server.url)
    _, clone = hooked_clone(agent, aimed, workdir)
    new = commits(clone, 2)
    timed_push(clone, aimed, "origin", "main")
    assert server.wait_for(2)
    assert sorted(delivered_ids(server)) == sorted(new)
    for request in server.delivered:
        assert request.headers["environment"] == "git-pre-push"


def test_a_chained_hook_that_refuses_stops_the_push_and_nothing_is_recorded(agent, env,
                                                                           workdir):
    server = Server(agent, env, workdir, install=False)
    clone = server.clone("laptop")
    hook = clone / ".git/hooks/pre-push"
    hook.write_text("#!/bin/sh\necho \"refused push to $1\" >&2\nexit 1\n")
    hook.chmod(0o755)
    assert run([agent, "install-hooks", str(clone)], env).returncode == 0
    commits(clone, 1)
    result = subprocess.run(["git", "-C", str(clone), "push", "origin", "main"], env=env,
                            capture_output=True, text=True)
    assert result.returncode != 0
    assert "refused push to origin" in result.stderr
    assert run([agent, "outbox", "list"], env).stdout == ""


def test_a_busy_outbox_costs_the_push_no_wait_the_changes_wait_in_the_spool(agent, env, workdir):
    import sqlite3
    import time
    _, clone = hooked_clone(agent, env, workdir)
    old = git(clone, "rev-parse", "origin/main").strip()
    commits(clone, 1, prefix="first")
    timed_push(clone, env, "origin", "main")  # the outbox exists, as in any clone in use
    commits(clone, 2)
    holder = sqlite3.connect(env["PULSE_OUTBOX"], timeout=0, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another process writing, for longer than a push
    try:
        started = time.time()
        result = subprocess.run(["git", "-C", str(clone), "push", "-q", "origin", "main"],
                                env=env, capture_output=True, text=True, timeout=30)
        seconds = time.time() - started
        assert result.returncode == 0, result.stderr
        # Waiting on the lock would take SQLite's busy timeout (10 s and
        # more); the spool takes the changes after 300 ms, and the rest is the
        # push itself, slow under the sanitizers on a loaded machine.
        assert seconds < 5.0
        assert "queued 2 changes, 0 deployments; the outbox was busy, so they wait in the " \
               "spool" in result.stderr
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    # The background process the hook started queues them once the outbox
    # is free, timed at the push.
    wait_for_derivation(env)
    assert change_ids(agent, env) == rev_list(clone, "main", "^" + old)
    later = rev_list(clone, "main", "^main~2")
    for change_id, body in events(agent, env, "change").items():
        if change_id in later:
            assert math.floor(started) <= unix(body["time_created"]) <= \
                math.ceil(started + seconds)
