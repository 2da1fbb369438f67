"""The post-receive hook only writes the push down; a detached process derives
its events later. These tests hold that process back (by holding the lock it
derives under) to check what the delay must not change: each push is derived
as the refs stood when it landed, even after later pushes moved them, and a
push whose process died is derived by `flush` or the daemon."""

import fcntl
import os
import signal
import time

from agent_env import aimed_env, delivered_ids, flush_until_drained
from conftest import git, run
from test_hook_support import (Server, background_processes, change_ids, commit, commits,
                               deployments, events, git_push, hook_log, unix,
                               wait_for_derivation, waiting_pushes)


class HeldDerivation:
    """Hold the outbox's derivation lock, as a long derivation would."""

    def __init__(self, env):
        self.fd = os.open(env["PULSE_OUTBOX"] + ".derive.lock", os.O_RDWR | os.O_CREAT, 0o600)
        fcntl.flock(self.fd, fcntl.LOCK_EX)

    def release(self):
        os.close(self.fd)


def test_a_commit_moved_to_another_branch_before_derivation_is_still_new(agent, env, workdir):
    server = Server(agent, env, workdir)
    clone = server.clone()
    held = HeldDerivation(env)
    first = commits(clone, 2)
    git_push(clone, env, "origin", "main")
    first_done = time.time()
    time.sleep(2.1)
    # The next push brings the same commits to a second branch, and one more
    # to main: by the time the first push is derived, 'feature' has them too.
    later = commit(clone, "later")
    second_started = time.time()
    git_push(clone, env, "origin", "main", "main~1:refs/heads/feature")
    assert waiting_pushes(env) == 2
    held.release()
    wait_for_derivation(env)
    assert change_ids(agent, env) == set(first) | {later} == server.rev_list("main")
    times = {key: unix(body["time_created"]) for key, body in events(agent, env, "change").items()}
    # Timed at their own push, however long a loaded machine took to run it:
    # the first push's changes by its end, the later one's from the second's
    # start (a second before it: the hook's clock is the kernel's coarse one).
    assert all(times[c] <= int(first_done) for c in first)
    assert times[later] >= int(second_started) - 1 > int(first_done)
    assert hook_log(env) == ["'%s': queued 2 changes, 0 deployments" % server.path,
                             "'%s': queued 1 change, 0 deployments" % server.path]


def test_a_tag_pushed_before_derivation_does_not_hide_the_changes_it_ships(agent, env, workdir):
    server = Server(agent, env, workdir)
    clone = server.clone()
    held = HeldDerivation(env)
    commits(clone, 3)
    git_push(clone, env, "origin", "main")
    git(clone, "tag", "v1.0.0")
    git_push(clone, env, "origin", "v1.0.0")
    held.release()
    wait_for_derivation(env)
    assert change_ids(agent, env) == server.rev_list("main")
    assert deployments(agent, env) == {"v1.0.0": server.rev_list("v1.0.0")}


def push_and_kill_its_deriver(agent, env, workdir):
    """Push two commits and kill the background process the hook started
    before it derives them; return the server repository."""
    repo = Server(agent, env, workdir)
    clone = repo.clone()
    held = HeldDerivation(env)
    commits(clone, 2)
    git_push(clone, env, "origin", "main")
    deadline = time.time() + 10
    while not background_processes(env):
        assert time.time() < deadline, "no background process was started"
        time.sleep(0.02)
    for pid in background_processes(env):
        os.kill(pid, signal.SIGKILL)
    held.release()
    assert waiting_pushes(env) == 1
    return repo


def test_a_push_whose_process_died_is_derived_by_flush(agent, env, workdir, server):
    aimed = aimed_env(env, workdir, server.url)
    repo = push_and_kill_its_deriver(agent, aimed, workdir)
    result = flush_until_drained(agent, aimed)
    assert result.returncode == 0, result.stderr
    assert waiting_pushes(aimed) == 0
    assert set(delivered_ids(server)) == repo.rev_list("main")
    # Logged where every derived push is, whoever derived it.
    assert hook_log(aimed) == ["'%s': queued 2 changes, 0 deployments" % repo.path]


def test_a_push_whose_process_died_is_derived_by_the_daemon(agent, env, workdir, server):
    aimed = aimed_env(env, workdir, server.url)
    repo = push_and_kill_its_deriver(agent, aimed, workdir)
    # The daemon's first look at the repository is only a baseline: the
    # events come from the recorded push.
    result = run([agent, "watch", "--once", "--repo", str(repo.path)], aimed)
    assert waiting_pushes(aimed) == 0, result.stderr
    assert set(delivered_ids(server)) == repo.rev_list("main")


def with_retry(env, workdir, **retry):
    """The environment with a config file whose retry section is `retry`."""
    config = workdir / "retry-config.yaml"
    config.write_text("retry:\n" + "".join("  %s: %s\n" % item for item in retry.items()))
    return dict(env, PULSE_CONFIG=str(config))


def test_a_push_survives_a_repository_hiccup_and_is_derived_once_it_is_back(agent, env,
                                                                            workdir):
    env = with_retry(env, workdir, initial_backoff=1, max_backoff=1)
    server = Server(agent, env, workdir)
    clone = server.clone()
    held = HeldDerivation(env)
    sent = commits(clone, 2)
    git_push(clone, env, "origin", "main")
    os.rename(server.path / "objects", workdir / "objects-elsewhere")
    held.release()
    # Many failed tries in a row do not park it: it waits for its next attempt.
    for _ in range(5):
        run([agent, "hook", "deliver"], env)
        time.sleep(1.1)
    status = run([agent, "outbox"], env).stdout
    assert "recorded pushes: 1 waiting to be derived, 0 parked" in status, status
    os.rename(workdir / "objects-elsewhere", server.path / "objects")
    time.sleep(1.1)
    result = run([agent, "flush"], env)
    assert waiting_pushes(env) == 0, result.stderr
    assert change_ids(agent, env) == set(sent)


def test_a_push_to_a_repository_that_is_gone_is_parked_with_its_reason(agent, env, workdir):
    env = with_retry(env, workdir, max_age=1)
    server = Server(agent, env, workdir)
    clone = server.clone()
    held = HeldDerivation(env)
    commits(clone, 1)
    git_push(clone, env, "origin", "main")
    os.rename(server.path / "objects", workdir / "objects-elsewhere")
    time.sleep(1.1)
    held.release()
    # Older than retry.max_age: its first failure parks it.
    run([agent, "hook", "deliver"], env)
    status = run([agent, "outbox"], env).stdout
    assert "recorded pushes: 0 waiting to be derived, 1 parked" in status
    assert any(line.startswith("parked push-") and " to '%s' at " % server.path in line
               for line in status.splitlines())
    assert any(line.startswith("deriving the push to '%s'" % server.path)
               for line in hook_log(env))
