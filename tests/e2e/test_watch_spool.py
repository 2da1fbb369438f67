"""The service layout's hand-over: hooks with `hook.deliver: service` only
drop each push in the spool, and `pulse-agent watch` takes it at once
(inotify), long before its next poll, with the push's own time."""

import time

from conftest import git, run
from test_watch_support import (Watcher, commit, make_clone, make_mirror, outbox_ids, rev,
                                wait_until, watch_env)

SLOW_POLLS = "3600"


def hooked_mirror(agent, env, workdir):
    mirror = make_mirror(workdir)
    installed = run([agent, "install-hooks", str(mirror)], env)
    assert installed.returncode == 0, installed.stderr
    return mirror, make_clone(workdir, mirror)


def spooled(env):
    from pathlib import Path
    return sorted((Path(env["PULSE_OUTBOX"]).parent / "spool").glob("*.push"))


def test_the_daemon_takes_a_spooled_push_at_once_not_at_its_next_poll(agent, env, workdir,
                                                                      server):
    aimed = watch_env(env, workdir, server.url, "hook:\n  deliver: service\n")
    mirror, clone = hooked_mirror(agent, aimed, workdir)
    watcher = Watcher(agent, aimed, workdir, ["--repo", str(mirror), "--interval", SLOW_POLLS])
    watcher.start()
    try:
        watcher.wait_for_log("info: watching 1 repository")
        made_ids = []
        for round in range(3):
            made = commit(clone, "round %d" % round)
            made_ids.append(made)
            pushed = time.time()
            git(clone, "push", "-q", "origin", "main", env=aimed)
            assert wait_until(lambda: made in outbox_ids(agent, aimed, "change"), timeout=5), \
                watcher.log()
            assert time.time() - pushed < 5
        assert spooled(aimed) == []
        assert wait_until(lambda: set(made_ids) <= {r.json["change_id"] for r in server.delivered})
    finally:
        watcher.ensure_stopped()
    sent = {r.json["change_id"]: r for r in server.delivered}
    assert rev(mirror, "main") == made_ids[-1]
    # Derived from the spooled push (the hook's environment), not from a poll.
    assert {sent[made].headers["environment"] for made in made_ids} == {"git-hook"}


def test_pushes_spooled_while_the_daemon_was_down_are_taken_before_any_poll(agent, env, workdir,
                                                                            server):
    aimed = watch_env(env, workdir, server.url, "hook:\n  deliver: service\n")
    mirror, clone = hooked_mirror(agent, aimed, workdir)
    watcher = Watcher(agent, aimed, workdir, ["--repo", str(mirror), "--interval", SLOW_POLLS])
    watcher.start()
    watcher.wait_for_log("info: watching 1 repository")
    watcher.stop()
    made = commit(clone, "while down")
    git(clone, "push", "-q", "origin", "main", env=aimed)
    pushed_at = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time()))
    assert len(spooled(aimed)) == 1
    time.sleep(2.2)
    restarted = Watcher(agent, aimed, workdir, ["--repo", str(mirror), "--interval", SLOW_POLLS],
                        name="watch-again")
    restarted.start()
    try:
        assert wait_until(lambda: made in outbox_ids(agent, aimed, "change"), timeout=10)
        assert server.wait_for(1)
    finally:
        restarted.ensure_stopped()
    sent = {r.json["change_id"]: r for r in server.delivered}
    # The push's own time, not the restart's: the spool is taken before the poll.
    assert abs(time.mktime(time.strptime(sent[made].json["time_created"], "%Y-%m-%dT%H:%M:%SZ"))
               - time.mktime(time.strptime(pushed_at, "%Y-%m-%dT%H:%M:%SZ"))) <= 1
    assert sent[made].headers["environment"] == "git-hook"
    assert spooled(aimed) == []
