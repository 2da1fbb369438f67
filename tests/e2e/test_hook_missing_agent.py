"""Hooks once the binary is gone (the package removed, a build folder
deleted): every push still succeeds, and the hook says nothing and records
nothing; a chained hook still runs alone, with its own status."""

import os
import shutil
import subprocess

from conftest import SOURCE_DIR, run
from test_hook_support import Server, commit, remote_lines

CHAINED_HOOK = """#!/bin/sh
cat > "$(dirname "$0")/../seen-by-chained-hook"
echo "chained hook ran" >&2
"""


def agent_copy(agent, workdir):
    """A copy of the binary that the test can delete."""
    path = workdir / "bin" / "pulse-agent"
    path.parent.mkdir()
    shutil.copy2(agent, path)
    return path


def git_push(clone, env, *args):
    return subprocess.run(["git", "-C", str(clone), "push"] + list(args), env=env,
                          capture_output=True, text=True, timeout=30)


def test_post_receive_is_silent_once_the_binary_is_gone(agent, env, workdir):
    copy = agent_copy(agent, workdir)
    server = Server(agent, env, workdir, install=False)
    result = run([agent, "install-hooks", "--agent", str(copy), str(server.path)], env)
    assert result.returncode == 0, result.stderr
    clone = server.clone()
    copy.unlink()
    commit(clone, "after removal")
    result = git_push(clone, env, "origin", "main")
    assert result.returncode == 0, result.stderr
    assert remote_lines(result) == []
    assert not (workdir / "outbox.db").exists()


def test_a_chained_hook_runs_alone_once_the_binary_is_gone(agent, env, workdir):
    copy = agent_copy(agent, workdir)
    server = Server(agent, env, workdir, install=False)
    hook = server.path / "hooks" / "post-receive"
    hook.write_text(CHAINED_HOOK)
    os.chmod(hook, 0o755)
    result = run([agent, "install-hooks", "--agent", str(copy), str(server.path)], env)
    assert result.returncode == 0, result.stderr
    clone = server.clone()
    copy.unlink()
    new = commit(clone, "after removal")
    result = git_push(clone, env, "origin", "main")
    assert result.returncode == 0, result.stderr
    assert remote_lines(result) == ["chained hook ran"]
    assert new in (server.path / "seen-by-chained-hook").read_text()
    assert not (workdir / "outbox.db").exists()


def test_pre_push_is_silent_once_the_binary_is_gone(agent, env, workdir):
    copy = agent_copy(agent, workdir)
    server = Server(agent, env, workdir, install=False)
    clone = server.clone()
    result = run([agent, "install-hooks", "--agent", str(copy), str(clone)], env)
    assert result.returncode == 0, result.stderr
    assert (clone / ".git" / "hooks" / "pre-push").exists()
    copy.unlink()
    commit(clone, "after removal")
    result = git_push(clone, env, "origin", "main")
    assert result.returncode == 0, result.stderr
    assert "pulse-agent" not in result.stdout + result.stderr
    assert not (workdir / "outbox.db").exists()


def test_the_shipped_shims_exit_0_silently_without_the_binary(workdir):
    for name in ("post-receive", "pre-push"):
        shim = (SOURCE_DIR / "hooks" / name).read_text()
        assert "agent='/usr/bin/pulse-agent'\n" in shim
        missing = workdir / "no-such-dir" / "pulse-agent"
        moved = workdir / name
        moved.write_text(shim.replace("/usr/bin/pulse-agent", str(missing)))
        os.chmod(moved, 0o755)
        result = subprocess.run([str(moved), "origin", "url"], input="0 1 refs/heads/main\n",
                                capture_output=True, text=True, timeout=10)
        assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
