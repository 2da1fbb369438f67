"""Shared pieces of the `pulse-agent watch` tests: bare mirrors and clones
that push into them with real `git push`, the daemon as a real process with
its log, and what git itself says the events must be. Also checks the
daemon's basics: --help, the start-up line, a clean stop."""

import json
import signal
import subprocess
import time

from agent_env import aimed_env
from conftest import git, outbox_rows, run

INTERVAL = "0.2"


def make_mirror(workdir, name="shop", folder="mirrors"):
    """A bare repository under workdir/folder, as a mirror job would keep it."""
    path = workdir / folder / (name + ".git")
    path.parent.mkdir(parents=True, exist_ok=True)
    git(workdir, "init", "-q", "--bare", "-b", "main", str(path))
    return path


def make_clone(workdir, mirror, name="clone"):
    """A clone of a mirror on branch main, to push from."""
    path = workdir / name
    git(workdir, "clone", "-q", "file://" + str(mirror), str(path))
    git(path, "symbolic-ref", "HEAD", "refs/heads/main")
    return path


def mirror_and_clone(workdir, pushed=0):
    """A mirror and a clone of it, with `pushed` commits already pushed to main."""
    mirror = make_mirror(workdir)
    clone = make_clone(workdir, mirror)
    if pushed:
        commits(clone, pushed, prefix="old")
        push(clone, "main")
    return mirror, clone


def commit(clone, message):
    """Commit a new file and return the commit's id."""
    name = message.replace(" ", "_")
    (clone / name).write_text(message + "\n")
    git(clone, "add", name)
    git(clone, "commit", "-q", "-m", message)
    return rev(clone, "HEAD")


def commits(clone, count, prefix="c"):
    """Commit `count` times; return the ids, oldest first."""
    return [commit(clone, "%s%d" % (prefix, i)) for i in range(count)]


def push(clone, *args):
    """Push from a clone to its origin (the mirror)."""
    git(clone, "push", "-q", "origin", *args)


def rev(repo, name):
    """The full id a revision names."""
    return git(repo, "rev-parse", name).strip()


def rev_list(repo, *args):
    """The commits `git rev-list ARGS` lists, as a set."""
    return set(git(repo, "rev-list", *args).split())


def wait_until(predicate, timeout=10.0, step=0.05):
    """Poll until predicate() is true; return its last value."""
    deadline = time.time() + timeout
    while True:
        value = predicate()
        if value or time.time() > deadline:
            return value
        time.sleep(step)


def watch_env(env, workdir, server_url, watch_yaml="", **limits):
    """The test environment aimed at a server, with fast timeouts and backoffs
    and an optional `watch:`/`repositories:` config text appended."""
    return aimed_env(env, workdir, server_url, extra=watch_yaml, **limits)


def start_watching(agent, env, workdir, base_url, *patterns, watch_yaml="", **limits):
    """A daemon watching the patterns (else the config's repositories) every
    INTERVAL, once its first cycle is done; returns it and its environment."""
    aimed = watch_env(env, workdir, base_url, watch_yaml, **limits)
    args = ["--interval", INTERVAL]
    for pattern in patterns:
        args += ["--repo", str(pattern)]
    watcher = Watcher(agent, aimed, workdir, args).start()
    watcher.wait_for_log("info: watching ")
    return watcher, aimed


class Watcher:
    """`pulse-agent watch` as a real process; stderr goes to a log file that
    lives on across restarts."""

    def __init__(self, agent, env, workdir, args, name="watch"):
        self.agent = agent
        self.env = env
        self.args = list(args)
        self.log_path = workdir / (name + ".log")
        self.proc = None

    def start(self):
        with open(self.log_path, "a") as log:
            self.proc = subprocess.Popen([self.agent, "watch"] + self.args, env=self.env,
                                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                         stderr=log)
        return self

    def log(self):
        return self.log_path.read_text() if self.log_path.exists() else ""

    def wait_for_log(self, text, count=1, timeout=10.0):
        """Wait until `text` appears `count` times in the log."""
        found = wait_until(lambda: self.log().count(text) >= count, timeout)
        assert found, "never logged %r (%d times); log:\n%s" % (text, count, self.log())

    def send(self, sig):
        self.proc.send_signal(sig)

    def stop(self, sig=signal.SIGTERM, timeout=15.0):
        """Send a signal and wait; return (exit code, seconds it took)."""
        start = time.time()
        self.proc.send_signal(sig)
        code = self.proc.wait(timeout=timeout)
        return code, time.time() - start

    def kill(self):
        self.proc.kill()
        self.proc.wait(timeout=10)

    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def ensure_stopped(self):
        if self.running():
            self.kill()


def status(agent, env):
    """`pulse-agent status --json`, parsed."""
    result = run([agent, "status", "--json"], env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def outbox_ids(agent, env, kind=None):
    """Ids of the outbox's events (of one type), asserting no key twice."""
    rows = [r for r in outbox_rows(agent, env) if kind is None or r["type"] == kind]
    keys = [(r["system"], r["type"], r["id"]) for r in rows]
    assert len(keys) == len(set(keys))
    return {r["id"] for r in rows}


def bodies_by_id(server):
    """The bodies the server answered 2xx, by event id (asserting no id twice)."""
    bodies = {}
    for body in server.delivered_bodies():
        key = body.get("change_id") or body.get("deploy_id")
        assert key not in bodies, "delivered twice: %s" % key
        bodies[key] = body
    return bodies


def test_watch_has_help_with_examples(agent, env):
    result = run([agent, "watch", "--help"], env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Usage: pulse-agent watch")
    for option in ("--repo", "--interval", "--once", "--fetch", "Examples:"):
        assert option in result.stdout


def test_starts_with_one_line_of_version_and_config_and_stops_cleanly(agent, env, workdir,
                                                                      server):
    mirror = make_mirror(workdir)
    aimed = watch_env(env, workdir, server.url)
    watcher = Watcher(agent, aimed, workdir, ["--repo", str(mirror), "--interval", INTERVAL])
    watcher.start()
    try:
        watcher.wait_for_log("watching 1 repository")
        first = watcher.log().splitlines()[0]
        assert "pulse-agent 0." in first and "watch: config " + aimed["PULSE_CONFIG"] in first
        assert "state " + aimed["PULSE_OUTBOX"] in first
        code, seconds = watcher.stop(signal.SIGINT)
    finally:
        watcher.ensure_stopped()
    assert code == 0 and seconds < 3
    assert watcher.log().splitlines()[-1].endswith("info: stopped")
