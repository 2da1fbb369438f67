"""Where the API key and the other settings come from (flags > environment >
config file > defaults), and how a broken config file is reported."""

import re

import pytest

from agent_env import REFUSED_URL, aimed_env, push_change
from conftest import outbox_rows, run


@pytest.fixture
def aimed(env, workdir, server):
    """Aimed at the test server, with no key anywhere yet."""
    return aimed_env(env, workdir, server.url, key=None)


def write_config(workdir, text, name="config.yaml"):
    path = workdir / name
    path.write_text(text)
    return path


def sent_key(server):
    assert len(server.requests) == 1, [r.as_dict() for r in server.requests]
    return server.requests[0].query["api_key"]


def test_key_from_the_environment(agent, aimed, server):
    aimed["PULSE_API_KEY"] = "env-key"
    assert push_change(agent, aimed, "c1").returncode == 0
    assert sent_key(server) == "env-key"


def test_key_from_a_key_file_flag_is_trimmed(agent, aimed, server, workdir):
    key_file = workdir / "key"
    key_file.write_text("  file-key\n\n")
    result = push_change(agent, aimed, "c1", "--api-key-file", str(key_file))
    assert result.returncode == 0, result.stderr
    assert sent_key(server) == "file-key"


def test_key_from_a_key_file_named_in_the_environment(agent, aimed, server, workdir):
    (workdir / "key").write_text("env-file-key\n")
    aimed["PULSE_API_KEY_FILE"] = str(workdir / "key")
    assert push_change(agent, aimed, "c1").returncode == 0
    assert sent_key(server) == "env-file-key"


def test_key_file_from_the_config_file(agent, aimed, server, workdir):
    (workdir / "key").write_text("config-file-key\n")
    aimed["PULSE_CONFIG"] = str(write_config(workdir, "api_key_file: %s\n" % (workdir / "key")))
    assert push_change(agent, aimed, "c1").returncode == 0
    assert sent_key(server) == "config-file-key"


def test_key_from_the_config_file(agent, aimed, server, workdir):
    aimed["PULSE_CONFIG"] = str(write_config(workdir, "api_key: config-key\n"))
    assert push_change(agent, aimed, "c1").returncode == 0
    assert sent_key(server) == "config-key"


@pytest.mark.parametrize("levels, expected", [
    (("flag", "env", "config"), "flag-key"),
    (("env", "config"), "env-key"),
    (("config",), "config-key"),
])
def test_key_precedence_is_flag_then_environment_then_config(
        agent, aimed, server, workdir, levels, expected):
    aimed["PULSE_CONFIG"] = str(write_config(workdir, "api_key: config-key\n"))
    if "env" in levels:
        aimed["PULSE_API_KEY"] = "env-key"
    extra = ["--api-key", "flag-key"] if "flag" in levels else []
    assert push_change(agent, aimed, "c1", *extra).returncode == 0
    assert sent_key(server) == expected


def test_a_missing_key_file_is_an_error_naming_the_file(agent, aimed, server, workdir):
    missing = workdir / "no-such-key"
    result = push_change(agent, aimed, "c1", "--api-key-file", str(missing))
    assert result.returncode == 1
    assert str(missing) in result.stderr
    assert server.requests == []


def test_base_url_precedence_is_flag_then_environment_then_config(
        agent, aimed, server, workdir):
    dead = REFUSED_URL
    aimed["PULSE_API_KEY"] = "k"
    aimed["PULSE_CONFIG"] = str(write_config(workdir, "base_url: %s\n" % dead))
    aimed["PULSE_BASE_URL"] = dead
    assert push_change(agent, aimed, "c1", "--base-url", server.url).returncode == 0
    aimed["PULSE_BASE_URL"] = server.url
    assert push_change(agent, aimed, "c2").returncode == 0
    assert [r.json["change_id"] for r in server.requests] == ["c1", "c2"]


def test_system_precedence_is_flag_then_environment_then_config(
        agent, aimed, server, workdir):
    aimed["PULSE_API_KEY"] = "k"
    aimed["PULSE_CONFIG"] = str(write_config(workdir, "system: from-config\n"))
    assert push_change(agent, aimed, "c1").returncode == 0
    aimed["PULSE_SYSTEM"] = "from-env"
    assert push_change(agent, aimed, "c2").returncode == 0
    assert push_change(agent, aimed, "c3", "--system", "from-flag").returncode == 0
    assert [r.query["system"] for r in server.requests] == ["from-config", "from-env",
                                                              "from-flag"]


def test_outbox_path_precedence_is_flag_then_environment_then_config(agent, aimed, workdir):
    aimed["PULSE_CONFIG"] = str(write_config(workdir, "outbox: %s\n" % (workdir / "c.db")))
    del aimed["PULSE_OUTBOX"]
    assert push_change(agent, aimed, "c1").returncode == 3
    aimed["PULSE_OUTBOX"] = str(workdir / "e.db")
    assert push_change(agent, aimed, "c2").returncode == 3
    assert push_change(agent, aimed, "c3", "--outbox", str(workdir / "f.db")).returncode == 3
    for name, change in (("c.db", "c1"), ("e.db", "c2"), ("f.db", "c3")):
        aimed["PULSE_OUTBOX"] = str(workdir / name)
        assert [row["id"] for row in outbox_rows(agent, aimed)] == [change]


def test_config_flag_beats_the_environment(agent, aimed, server, workdir):
    aimed["PULSE_CONFIG"] = str(write_config(workdir, "api_key: env-config\n", "a.yaml"))
    other = write_config(workdir, "api_key: flag-config\n", "b.yaml")
    assert push_change(agent, aimed, "c1", "--config", str(other)).returncode == 0
    assert sent_key(server) == "flag-config"


@pytest.mark.parametrize("text, line_column, words", [
    ("base_url: http://x\ntimeouts:\n  total: soon\n", "3:10", "'total'"),
    ("api_key: k\nbogus: 1\n", "2:1", "unknown key 'bogus'"),
    ("retry:\n  initial_backoff: -1\n", "2:20", "positive"),
    ("api_key: k\nbase_url: [http://x\n", None, ""),
])
def test_broken_config_is_an_error_naming_file_line_and_column(
        agent, aimed, server, workdir, text, line_column, words):
    path = write_config(workdir, text)
    aimed["PULSE_CONFIG"] = str(path)
    for command in (["push", "change", "--identifier", "c1", "--timestamp", "1"], ["flush"],
                    ["outbox"]):
        result = run([agent] + command, aimed)
        assert result.returncode == 1, result.stderr
        match = re.match(r"pulse-agent: error: %s:(\d+):(\d+): (.*)" % re.escape(str(path)),
                         result.stderr)
        assert match, result.stderr
        if line_column:
            assert "%s:%s" % match.groups()[:2] == line_column
        assert words in match.group(3)
    assert server.requests == []
    assert not (workdir / "outbox.db").exists()


def test_unreadable_config_named_in_the_environment_is_an_error(agent, aimed, workdir):
    aimed["PULSE_CONFIG"] = str(workdir / "missing.yaml")
    result = push_change(agent, aimed, "c1")
    assert result.returncode == 1
    assert "missing.yaml" in result.stderr

