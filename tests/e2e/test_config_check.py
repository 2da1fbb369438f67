"""`pulse-agent config check [--as USER] [FILE]`: every problem of a config
file, each located, exit 0 (with warnings) or 1; usage errors exit 2."""

import grp
import os
import shutil
import tempfile

import pytest

from conftest import run


def check(agent, env, *args):
    return run([agent, "config", "check"] + list(args), env)


def write(workdir, text, name="config.yaml"):
    path = workdir / name
    path.write_text(text)
    return path


@pytest.mark.parametrize("text, where, message", [
    ("watch:\n  intervall: 5\n", "2:3", "unknown key 'intervall' in watch"),
    ("system: a\nsystem: b\n", "2:1", "'system' is given twice in the config file"),
    ("hook:\n  quiet: maybe\n", "2:10", "'quiet' must be true or false, not 'maybe'"),
    ("timeouts: {total: 0}\n", "1:19", "'total' must be positive"),
    ("retry: {max_age: 400000000}\n", "1:18", "'max_age' must be at most 315360000"),
    ("hook: {deliver: later}\n", "1:17", "'deliver' must be background, none or service"),
    ("repositories:\n  - path: /x\n    tag_pattern: 'v(['\n", "3:18",
     "'tag_pattern' is not a regular expression"),
    ("base_url: ingestion.example.com\n", "1:11",
     "'base_url' must be a URL that starts with http:// or https://"),
    ("system: [shop\n", "2:", ""),
])
def test_each_class_of_error_is_located_and_exits_1(agent, env, workdir, text, where, message):
    path = write(workdir, text)
    result = check(agent, env, str(path))
    assert result.returncode == 1, result.stdout
    errors = [line for line in result.stdout.splitlines() if not line.startswith("warning: ")]
    assert len(errors) == 1 and errors[0].startswith("%s:%s" % (path, where)), result.stdout
    assert message in errors[0]
    assert "config OK" not in result.stdout
    assert result.stderr == "pulse-agent: error: %s: 1 error\n" % path


def test_several_errors_are_all_reported_in_file_order(agent, env, workdir):
    path = write(workdir, "base_url: example.com\nwatch: {intervall: 5}\n"
                          "hook: {deliver: later, quiet: maybe}\nbogus: 1\n")
    result = check(agent, env, str(path))
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "%s:1:11: 'base_url' must be a URL that starts with http:// or https://" % path,
        "%s:2:9: unknown key 'intervall' in watch" % path,
        "%s:3:17: 'deliver' must be background, none or service" % path,
        "%s:3:31: 'quiet' must be true or false, not 'maybe'" % path,
        "%s:4:1: unknown key 'bogus' in the config file" % path]
    assert result.stderr == "pulse-agent: error: %s: 5 errors\n" % path


def test_a_valid_file_is_ok_with_its_warnings(agent, env, workdir):
    path = write(workdir, "base_url: https://ingestion.example.com\nhook: {deliver: service}\n"
                          "trusted_owners: [nobody, no-such-user-pulse]\n"
                          "repositories: ['%s/*.git']\nspool: /var/spool/pulse-agent\n"
                          % workdir)
    result = check(agent, env, str(path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines() == [
        "warning: %s:3:26: trusted owner: no user 'no-such-user-pulse' on this system" % path,
        "warning: %s:4:16: '%s/*.git' matches no repository" % (path, workdir),
        "config OK: %s" % path]


def test_the_file_defaults_to_the_one_the_commands_read(agent, env, workdir):
    path = write(workdir, "system: shop\n")
    result = check(agent, dict(env, PULSE_CONFIG=str(path)))
    assert (result.returncode, result.stdout) == (0, "config OK: %s\n" % path)
    missing = check(agent, env, str(workdir / "missing.yaml"))
    assert missing.returncode == 1
    assert "reading config '%s': No such file or directory" % (workdir / "missing.yaml") \
        in missing.stderr


@pytest.mark.parametrize("args", [[], ["check", "a.yaml", "b.yaml"], ["frob"],
                                  ["check", "--as", "no-such-user-pulse"], ["check", "--bogus"]])
def test_usage_errors_exit_2(agent, env, args):
    result = run([agent, "config"] + args, env)
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("pulse-agent: error: ")


def test_help_teaches_with_examples(agent, env):
    result = run([agent, "config", "check", "--help"], env)
    assert result.returncode == 0
    assert result.stdout.startswith("Usage: pulse-agent config check")
    assert "Examples:" in result.stdout and "--as pulse-agent" in result.stdout
    assert "config check [FILE]" in run([agent, "--help"], env).stdout


@pytest.fixture
def shared_folder():
    """A folder every user may enter (pytest's own are private to us)."""
    folder = tempfile.mkdtemp(prefix="pulse-config-check-")
    os.chmod(folder, 0o755)
    yield folder
    shutil.rmtree(folder)


def test_the_key_file_must_be_readable_by_the_service_user(agent, env, shared_folder):
    key = os.path.join(shared_folder, "api-key")
    with open(key, "w") as out:
        out.write("k\n")
    os.chmod(key, 0o600)
    path = os.path.join(shared_folder, "config.yaml")
    with open(path, "w") as out:
        out.write("base_url: https://x\napi_key_file: %s\n" % key)
    os.chmod(path, 0o644)
    as_nobody = check(agent, env, "--as", "nobody", path)
    if os.geteuid() != 0:
        assert as_nobody.returncode == 0
        assert "only root can check as another user" in as_nobody.stdout
        return
    assert as_nobody.returncode == 1
    assert as_nobody.stdout == ("%s:2:15: user 'nobody' cannot read the API key file '%s': "
                                "Permission denied\n" % (path, key))
    # Root itself reads it; so does nobody once the file is its group's.
    assert check(agent, env, path).returncode == 0
    os.chown(key, 0, grp.getgrnam("nogroup").gr_gid)
    os.chmod(key, 0o640)
    assert check(agent, env, "--as", "nobody", path).stdout == "config OK: %s\n" % path
    # A config file the service cannot read is an error too.
    os.chmod(path, 0o600)
    unreadable = check(agent, env, "--as", "nobody", path)
    assert unreadable.returncode == 1
    assert unreadable.stdout.startswith(
        "%s: user 'nobody' cannot read this file: Permission denied\n" % path)
