"""Shared fixtures of the end-to-end tests: the real binary, a clean
environment, a real HTTP server on 127.0.0.1 and real git repositories."""

import os
import pathlib
import shutil
import subprocess
import sys

import pytest

sys.path.insert(0, os.path.dirname(__file__))
from pulse_server import PulseServer  # noqa: E402

SOURCE_DIR = pathlib.Path(os.environ.get("PULSE_SOURCE_DIR",
                                         pathlib.Path(__file__).resolve().parents[2]))
AGENT = os.environ.get("PULSE_AGENT", str(SOURCE_DIR / "build" / "pulse-agent"))
API_KEY = "test-key-9f2b7c41d3"  # distinctive, so a leak is easy to grep for

GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "Ada Tester", "GIT_AUTHOR_EMAIL": "ada@example.com",
    "GIT_COMMITTER_NAME": "Ada Tester", "GIT_COMMITTER_EMAIL": "ada@example.com",
}


@pytest.fixture
def agent():
    """Path of the pulse-agent binary under test."""
    assert os.access(AGENT, os.X_OK), "pulse-agent binary not found at %s" % AGENT
    return AGENT


@pytest.fixture
def workdir(tmp_path):
    """A fresh folder for this test (pytest keeps the last runs' folders)."""
    return tmp_path


@pytest.fixture
def env(workdir):
    """A minimal environment: own HOME, own outbox, no config, no proxies."""
    home = workdir / "home"
    home.mkdir()
    (workdir / "empty-config.yaml").write_text("")
    base = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "PULSE_OUTBOX": str(workdir / "outbox.db"),
        "PULSE_CONFIG": str(workdir / "empty-config.yaml"),
        "GIT_CONFIG_NOSYSTEM": "1",
    }
    base.update(GIT_IDENTITY)
    # A sanitizer build's options (and report folder) reach every process.
    for name in ("ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"):
        if name in os.environ:
            base[name] = os.environ[name]
    return base


@pytest.fixture
def server():
    """A recording Pulse API stand-in on 127.0.0.1."""
    srv = PulseServer().start()
    yield srv
    srv.stop()


def run(args, env, input=None, timeout=60, cwd=None):
    """Run the binary (or any command) and capture its output as text."""
    return subprocess.run(args, env=env, input=input, capture_output=True, text=True,
                          timeout=timeout, cwd=cwd)


def git(repo, *args, env=None, input=None):
    """Run git in a repository and return its stdout, failing the test on error."""
    full_env = dict(os.environ)
    full_env.update(GIT_IDENTITY)
    full_env["GIT_CONFIG_NOSYSTEM"] = "1"
    if env:
        full_env.update(env)
    result = subprocess.run(["git", "-C", str(repo)] + list(args), env=full_env, input=input,
                            capture_output=True, text=True)
    assert result.returncode == 0, "git %s failed: %s" % (" ".join(args), result.stderr)
    return result.stdout


def outbox_rows(agent, env):
    """Every event of the outbox, as `outbox list --json` prints them."""
    import json
    result = run([agent, "outbox", "list", "--json"], env)
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]


def free_port():
    """A port on 127.0.0.1 where nothing listens (for 'server down')."""
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


__all__ = ["run", "git", "outbox_rows", "free_port", "API_KEY", "PulseServer", "shutil"]
