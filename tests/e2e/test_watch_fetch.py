"""`watch.fetch`: the daemon runs `git fetch` in each mirror before reading
it, so what is pushed upstream reaches the API; a fetch that hangs is ended
at `fetch_timeout` (its whole process group) and the other mirrors go on."""

import os
import signal
import time

from conftest import git
from test_watch_support import (INTERVAL, Watcher, commit, make_clone, make_mirror, push,
                                wait_until, watch_env)


def mirror_of(workdir, upstream, name):
    """A `git clone --mirror` of an upstream repository."""
    path = workdir / "mirrors" / (name + ".git")
    git(workdir, "clone", "-q", "--mirror", "file://" + str(upstream), str(path))
    return path


def hanging_upload_pack(workdir):
    """A stand-in for git-upload-pack that records its pid and hangs."""
    script = workdir / "hanging-upload-pack"
    script.write_text("#!/bin/sh\necho $$ > %s\nexec sleep 60\n" % (workdir / "hanging.pid"))
    script.chmod(0o755)
    return script


def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open("/proc/%d/stat" % pid) as f:
        return f.read().split()[2] != "Z"


def test_fetch_brings_what_was_pushed_upstream_and_a_hanging_fetch_is_ended(
        agent, env, workdir, server):
    upstream = make_mirror(workdir, "shop", folder="upstream")
    clone = make_clone(workdir, upstream)
    commit(clone, "base")
    push(clone, "main")
    mirror_of(workdir, upstream, "shop")
    stuck = mirror_of(workdir, upstream, "stuck")
    git(stuck, "config", "remote.origin.uploadpack", str(hanging_upload_pack(workdir)))
    yaml = "watch:\n  fetch: true\n  fetch_timeout: 1\nrepositories:\n  - %s\n" % (
        workdir / "mirrors" / "*.git")
    aimed = watch_env(env, workdir, server.url, yaml)
    watcher = Watcher(agent, aimed, workdir, ["--interval", INTERVAL]).start()
    try:
        watcher.wait_for_log("stuck.git (fetch): fetching: git fetch timed out after 1 s and "
                             "was ended")
        pid = int((workdir / "hanging.pid").read_text())
        assert wait_until(lambda: not alive(pid), timeout=3)
        change = commit(clone, "upstream news")
        push(clone, "main")
        assert server.wait_for(1, timeout=10)
        assert server.delivered[0].json["change_id"] == change
        assert watcher.log().count("stuck.git (fetch)") == 1  # logged once, not per cycle
    finally:
        watcher.ensure_stopped()


def test_sigterm_during_a_hanging_fetch_ends_it_and_exits_0(agent, env, workdir, server):
    upstream = make_mirror(workdir, "shop", folder="upstream")
    stuck = mirror_of(workdir, upstream, "stuck")
    git(stuck, "config", "remote.origin.uploadpack", str(hanging_upload_pack(workdir)))
    aimed = watch_env(env, workdir, server.url, "watch:\n  fetch_timeout: 60\n")
    watcher = Watcher(agent, aimed, workdir,
                      ["--repo", str(stuck), "--fetch", "--interval", INTERVAL]).start()
    try:
        assert wait_until(lambda: (workdir / "hanging.pid").exists(), timeout=10)
        pid = int((workdir / "hanging.pid").read_text())
        time.sleep(0.2)
        code, seconds = watcher.stop(signal.SIGTERM)
        assert code == 0 and seconds < 5, (code, seconds)
        assert not alive(pid)
    finally:
        watcher.ensure_stopped()
