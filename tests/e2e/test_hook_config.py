"""Hooks depend on nothing they do not use: a key file they may not read and
a broken key in a section they do not use never cost a push; a broken key in
one they use is taken in stride with its default and one warning line."""

import time

from conftest import run
from test_hook_support import (Server, background_processes, change_ids, commits, git_push,
                               remote_lines, wait_for_derivation, waiting_pushes)


def wait_for_background(env, timeout=20):
    """Wait until the `hook deliver` processes the push started have ended
    (they leave a push they may not derive recorded)."""
    deadline = time.time() + timeout
    while background_processes(env):
        assert time.time() < deadline, "background processes still running"
        time.sleep(0.05)


def configs(env, workdir, text):
    """(hook_env, inspect_env): the hooks read `text` as their config, the
    checks read one that names the same unreadable key file and nothing else
    (`outbox` refuses a broken config, as every command but the hooks does)."""
    # A folder where a key file should be: reading it fails, whoever we are.
    key = workdir / "key-is-a-folder"
    key.mkdir()
    hook_config = workdir / "hook-config.yaml"
    hook_config.write_text("api_key_file: %s\n%s" % (key, text))
    inspect_config = workdir / "inspect-config.yaml"
    inspect_config.write_text("api_key_file: %s\n" % key)
    return (dict(env, PULSE_CONFIG=str(hook_config)),
            dict(env, PULSE_CONFIG=str(inspect_config)))


def test_an_unreadable_key_and_a_daemon_typo_cost_no_push(agent, env, workdir):
    hook_env, inspect_env = configs(env, workdir, "watch:\n  intervall: 5\n")
    server = Server(agent, inspect_env, workdir)
    clone = server.clone()
    commits(clone, 2)
    result = git_push(clone, hook_env, "origin", "main")
    wait_for_derivation(inspect_env)
    # Not even a warning: the hook uses neither the key nor `watch`.
    assert remote_lines(result) == []
    assert change_ids(agent, inspect_env) == server.rev_list("main")
    # Inspecting reads no key either; sending does, and says why it cannot.
    assert run([agent, "outbox"], inspect_env).returncode == 0
    assert run([agent, "status"], inspect_env).stderr.find("API key") == -1
    flushed = run([agent, "flush"], inspect_env)
    assert flushed.returncode == 1
    assert "reading API key file '%s'" % (workdir / "key-is-a-folder") in flushed.stderr
    # Every other command refuses the typo.
    refused = run([agent, "outbox"], hook_env)
    assert refused.returncode == 1
    assert ":3:3: unknown key 'intervall' in watch" in refused.stderr


def test_a_broken_key_the_hook_uses_records_the_push_and_says_so_once(agent, env, workdir):
    hook_env, inspect_env = configs(env, workdir, "hook:\n  quiet: maybe\n")
    server = Server(agent, inspect_env, workdir)
    clone = server.clone()
    commits(clone, 1)
    result = git_push(clone, hook_env, "origin", "main")
    assert remote_lines(result) == [
        "pulse-agent: warning: %s:3:10: 'quiet' must be true or false, not 'maybe'; "
        "using the default" % hook_env["PULSE_CONFIG"]]
    # Recorded; what derives and sends takes no default, so it waits for a fix.
    wait_for_background(inspect_env)
    assert waiting_pushes(inspect_env) == 1
    # With the config fixed it is derived, although the key cannot be read.
    delivered = run([agent, "hook", "deliver"], inspect_env)
    assert delivered.returncode == 1
    assert "it is a directory, not a file" in delivered.stderr
    assert "queued 1 change, 0 deployments" in delivered.stderr
    assert waiting_pushes(inspect_env) == 0
    assert change_ids(agent, inspect_env) == server.rev_list("main")


def test_a_config_that_does_not_parse_still_records_the_push(agent, env, workdir):
    hook_env, inspect_env = configs(env, workdir, "system: [shop\n")
    server = Server(agent, inspect_env, workdir)
    clone = server.clone()
    commits(clone, 1)
    result = git_push(clone, hook_env, "origin", "main")
    lines = remote_lines(result)
    assert len(lines) == 1, lines
    assert lines[0].startswith("pulse-agent: warning: %s:" % hook_env["PULSE_CONFIG"])
    assert lines[0].endswith("; using the defaults")
    wait_for_background(inspect_env)
    assert waiting_pushes(inspect_env) == 1


def test_several_problems_are_one_line(agent, env, workdir):
    hook_env, inspect_env = configs(env, workdir,
                                    "hook: {quiet: maybe, deliver: later}\nbogus: 1\n")
    server = Server(agent, inspect_env, workdir)
    clone = server.clone()
    commits(clone, 1)
    lines = remote_lines(git_push(clone, hook_env, "origin", "main"))
    assert lines == ["pulse-agent: warning: %s:2:15: 'quiet' must be true or false, not "
                     "'maybe'; using the default (and 2 more: `pulse-agent config check`)"
                     % hook_env["PULSE_CONFIG"]]
    wait_for_background(inspect_env)
    assert waiting_pushes(inspect_env) == 1
