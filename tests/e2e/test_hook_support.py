"""Shared pieces of the hook tests: a bare repository with the hooks installed
by `install-hooks`, clones that push to it over file:// with real `git push`,
and what git itself says the events must be. Also checks the hooks' help."""

import os
import subprocess
import time
from pathlib import Path

import pytest

from conftest import AGENT, git, outbox_rows, run

ZERO = "0" * 40


class Server:
    """A bare repository on the 'server' side, its hook installed."""

    def __init__(self, agent, env, workdir, name="shop", install=True):
        self.agent = agent
        self.env = env
        self.workdir = workdir
        self.path = workdir / (name + ".git")
        git(workdir, "init", "-q", "--bare", "-b", "main", str(self.path))
        if install:
            result = run([agent, "install-hooks", str(self.path)], env)
            assert result.returncode == 0, result.stderr
        self.url = "file://" + str(self.path)

    def clone(self, name="clone"):
        """Return a fresh clone of this repository."""
        path = self.workdir / name
        git(self.workdir, "clone", "-q", self.url, str(path))
        git(path, "config", "user.name", "Ada Tester")
        git(path, "config", "user.email", "ada@example.com")
        return path

    def rev_list(self, *args):
        """The commits `git rev-list ARGS` lists in this repository."""
        return set(git(self.path, "rev-list", *args).split())


def commit(clone, message, parents_file=None):
    """Commit a new file in the clone and return the new commit's id."""
    name = parents_file or message.replace(" ", "_")
    (clone / name).write_text(message + "\n")
    git(clone, "add", name)
    git(clone, "commit", "-q", "-m", message)
    return git(clone, "rev-parse", "HEAD").strip()


def commits(clone, count, prefix="c"):
    """Commit `count` times; return the ids, oldest first."""
    return [commit(clone, "%s%d" % (prefix, i)) for i in range(count)]


def git_push(clone, env, *args, timeout=30):
    """Run `git push ARGS` in the clone with the test's environment (so the
    PULSE_* variables reach the hook); return the finished process."""
    result = subprocess.run(["git", "-C", str(clone), "push"] + list(args), env=env,
                            capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, result.stderr
    return result


def spooled_pushes(env):
    """How many pushes hooks dropped in the spool beside the outbox that no
    process has taken into the outbox yet."""
    spool = Path(env["PULSE_OUTBOX"]).parent / "spool"
    return len(list(spool.glob("*.push"))) if spool.is_dir() else 0


def waiting_pushes(env):
    """How many recorded pushes wait to be derived: in the spool, or in the
    outbox as `pulse-agent outbox` says; None when the outbox cannot be read.
    Before the first push is taken from the spool there may be no outbox yet."""
    result = run([AGENT, "outbox"], env)
    if "nothing has been queued yet" in result.stderr:
        return spooled_pushes(env)
    if result.returncode != 0:
        return None
    for line in result.stdout.splitlines():
        if line.startswith("recorded pushes: "):
            return int(line.split()[2]) + spooled_pushes(env)
    raise AssertionError("no 'recorded pushes' line in: " + result.stdout)


def background_processes(env):
    """Pids of the `pulse-agent hook deliver` processes of this test's outbox."""
    pids = []
    outbox = ("PULSE_OUTBOX=" + env["PULSE_OUTBOX"]).encode()
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            cmdline = open("/proc/%s/cmdline" % pid, "rb").read().split(b"\0")
            environ = open("/proc/%s/environ" % pid, "rb").read().split(b"\0")
        except OSError:
            continue
        if cmdline[1:3] == [b"hook", b"deliver"] and outbox in environ:
            pids.append(int(pid))
    return pids


def wait_for_derivation(env, timeout=20):
    """Wait until the background processes the hooks started have derived
    every recorded push (the push itself only writes it down) and finished
    (written their log, delivered or given up for now)."""
    deadline = time.time() + timeout
    while (waiting_pushes(env) or 0) > 0 or background_processes(env):
        assert time.time() < deadline, "recorded pushes were not derived in %ds" % timeout
        time.sleep(0.05)


def push(clone, env, *args, timeout=30):
    """Push as git_push() does, then wait for the push's events to be derived."""
    result = git_push(clone, env, *args, timeout=timeout)
    wait_for_derivation(env)
    return result


def timed_push(clone, env, *args, timeout=30):
    """Push and return (process, seconds the push took, start time, end time),
    once the push's events are derived."""
    start = time.time()
    result = git_push(clone, env, *args, timeout=timeout)
    end = time.time()
    wait_for_derivation(env)
    return result, end - start, start, end


def hook_log(env):
    """The lines `hook deliver` logged beside the outbox (its messages only)."""
    path = env["PULSE_OUTBOX"] + ".hook.log"
    if not os.path.exists(path):
        return []
    return [line.split("] ", 3)[-1] for line in open(path).read().splitlines()]


def remote_lines(result):
    """The lines the hook printed, as the client shows them ("remote: ...")."""
    return [line[len("remote: "):].rstrip() for line in result.stderr.splitlines()
            if line.startswith("remote: ")]


def events(agent, env, kind):
    """The outbox's events of one type: {id: body}."""
    return {row["id"]: row["body"] for row in outbox_rows(agent, env) if row["type"] == kind}


def change_ids(agent, env):
    """The ids of every change in the outbox, as a set (asserting no repeats)."""
    ids = [row["id"] for row in outbox_rows(agent, env) if row["type"] == "change"]
    assert len(ids) == len(set(ids))
    return set(ids)


def deployments(agent, env):
    """{deploy_id: set of change ids} of the outbox's deployments."""
    return {key: set(body["changes"]) for key, body in events(agent, env, "deployment").items()}


def unix(rfc3339):
    """Unix seconds of an RFC 3339 UTC time as the bodies carry it."""
    import calendar
    return calendar.timegm(time.strptime(rfc3339, "%Y-%m-%dT%H:%M:%SZ"))


@pytest.mark.parametrize("command", [["hook", "--help"], ["install-hooks", "--help"],
                                     ["uninstall-hooks", "--help"], ["hook", "deliver", "--help"],
                                     ["hook", "post-receive", "-h"]])
def test_hook_commands_have_help_with_examples(agent, env, command):
    result = run([agent] + command, env, input="")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Usage: pulse-agent")
    assert "Examples:" in result.stdout
    # Asking for help runs nothing: no outbox, no spool.
    assert not os.path.exists(env["PULSE_OUTBOX"])


def test_an_unknown_hook_mode_fails_open(agent, env):
    result = run([agent, "hook", "update"], env, input="")
    assert result.returncode == 0
    assert result.stderr.count("\n") == 1 and "unknown hook 'update'" in result.stderr


def test_garbage_on_stdin_is_one_line_and_exit_0(agent, env, workdir):
    server = Server(agent, env, workdir, install=False)
    result = run([agent, "hook", "post-receive"], env, input="not a push line\n",
                 cwd=str(server.path))
    assert result.returncode == 0
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("pulse-agent: error: ") and "line 1" in result.stderr
    assert os.path.exists(env["PULSE_OUTBOX"]) is False


def test_the_binary_loads_libgit2_libcurl_and_libsystemd_only_when_needed(agent):
    # Start-up binds every library the binary needs; libgit2, libcurl and
    # libsystemd with their ~45 dependencies would be most of a hook's time,
    # so the git layer, the sender and the daemon under systemd dlopen them.
    needed = subprocess.run(["readelf", "-d", agent], capture_output=True, text=True,
                            check=True).stdout
    assert "libc.so" in needed and "libsqlite3" in needed
    for library in ("libgit2", "libcurl", "libsystemd"):
        assert library not in needed
