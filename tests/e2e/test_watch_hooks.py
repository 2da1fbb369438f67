"""The post-receive hook and `pulse-agent watch` on the same repository, one
outbox: whichever sees a push first queues its events (git updates the refs
before it runs the hook, so the daemon may win), the other queues nothing new,
and the API gets every event exactly once, under one system."""

import time
from collections import Counter

from conftest import git, outbox_rows, run
from test_watch_support import (INTERVAL, Watcher, commit, make_clone, make_mirror, rev_list,
                                watch_env)


def push_with(env, clone, *refs):
    """Push with the test's PULSE_* environment, which the hook reads."""
    git(clone, "push", "-q", "origin", *refs, env=env)


def arrivals(server):
    return Counter((r.query.get("system"), r.json["$type"],
                    r.json.get("change_id") or r.json.get("deploy_id"))
                   for r in server.delivered)


def test_hook_and_daemon_on_one_repository_never_duplicate(agent, env, workdir, server):
    mirror = make_mirror(workdir)
    git(mirror, "config", "pulse.system", "storefront")
    clone = make_clone(workdir, mirror)
    aimed = watch_env(env, workdir, server.url)
    watcher = Watcher(agent, aimed, workdir, ["--repo", str(mirror), "--interval", INTERVAL])
    watcher.start()
    try:
        watcher.wait_for_log("watching 1 repository")
        # The daemon alone first: no hook yet.
        commit(clone, "before hooks")
        push_with(aimed, clone, "main")
        assert server.wait_for(1)
        installed = run([agent, "install-hooks", str(mirror)], aimed)
        assert installed.returncode == 0, installed.stderr
        for round in range(4):
            commit(clone, "round %d" % round)
            refs = ["main"]
            if round % 2:
                git(clone, "tag", "v1.%d.0" % round)
                refs.append("v1.%d.0" % round)
            push_with(aimed, clone, *refs)
            time.sleep(float(INTERVAL) * round / 2)  # the daemon sees some before, some after
        expected = len(rev_list(mirror, "main")) + 2
        assert server.wait_for(expected, timeout=15)
        time.sleep(1.0)
    finally:
        watcher.ensure_stopped()
    counts = arrivals(server)
    assert [key for key, n in counts.items() if n > 1] == []
    assert {system for system, _, _ in counts} == {"storefront"}
    assert {key for _, _, key in counts} == rev_list(mirror, "main") | {"v1.1.0", "v1.3.0"}
    rows = outbox_rows(agent, aimed)
    assert len(rows) == len(counts)
    assert server.delivered[0].headers["environment"] == "git-daemon"


def test_after_the_hook_the_daemon_queues_nothing_under_the_configured_system(
        agent, env, workdir, server):
    mirror = make_mirror(workdir)
    clone = make_clone(workdir, mirror)
    yaml = "repositories:\n  - path: %s\n    system: web-shop\n" % mirror
    aimed = watch_env(env, workdir, server.url, yaml)
    once = [agent, "watch", "--once"]
    assert run(once, aimed).returncode == 0  # the baseline
    assert run([agent, "install-hooks", str(mirror)], aimed).returncode == 0
    change = commit(clone, "one")
    git(clone, "tag", "v3.0.0")
    push_with(aimed, clone, "main", "v3.0.0")
    assert server.wait_for(2)
    second = run(once, aimed)
    assert second.returncode == 0, second.stderr
    assert ("refs/heads/main created, refs/tags/v3.0.0 created: queued 0 changes "
            "(2 already queued before)") in second.stderr
    assert arrivals(server) == Counter({("web-shop", "change", change): 1,
                                        ("web-shop", "deployment", "v3.0.0"): 1})
