"""The API key never shows: not on stdout or stderr of any command, not in the
outbox files (read raw, WAL included), not even when the API echoes it back
or delivery fails."""

import pytest

from agent_env import REFUSED_URL, aimed_env, push_change
from conftest import API_KEY, run

ODD_KEY = "s3cr3t+k/y=&z!~%"


def outbox_files(workdir):
    """Every file the outbox consists of (database, WAL, shared memory, lock)."""
    files = sorted(workdir.glob("outbox.db*"))
    assert files, "no outbox was written"
    return files


def assert_never_shown(secrets, results, workdir):
    for result in results:
        for secret in secrets:
            assert secret not in result.stdout and secret not in result.stderr, (
                result.args, result.stdout, result.stderr)
    for path in outbox_files(workdir):
        data = path.read_bytes()
        for secret in secrets:
            assert secret.encode() not in data, path


def inspect_everything(agent, env):
    """The commands a user runs to see what happened."""
    return [run([agent, "outbox"], env), run([agent, "outbox", "list", "--json"], env),
            run([agent, "outbox", "list"], env), run([agent, "flush"], env)]


@pytest.mark.parametrize("status", [401, 403, 400, 500, 301])
def test_an_answer_that_echoes_the_key_is_scrubbed(agent, env, workdir, server, status):
    aimed = aimed_env(env, workdir, server.url)
    echo = {"status": status, "body": "no such key: %s (api_key=%s)" % (API_KEY, API_KEY),
            "location": server.url + "/?api_key=" + API_KEY}
    server.script([echo, echo])
    pushed = push_change(agent, aimed, "c1")
    assert pushed.returncode != 0, pushed.stderr
    assert "no such key: ***" in pushed.stderr
    assert_never_shown([API_KEY], [pushed] + inspect_everything(agent, aimed), workdir)


def test_a_key_echoed_url_encoded_is_scrubbed(agent, env, workdir, server):
    aimed = aimed_env(env, workdir, server.url, key=ODD_KEY)
    assert push_change(agent, aimed, "c0").returncode == 0
    raw_query = server.requests[0].raw_query
    encoded = raw_query.split("api_key=")[1].split("&")[0]
    assert encoded != ODD_KEY
    echo = {"status": 400, "body": "bad request: POST /v1/ingestion/cli?" + raw_query}
    server.script([echo, {"status": 401, "body": "denied " + raw_query}])
    results = [push_change(agent, aimed, "c1"), push_change(agent, aimed, "c2")]
    assert [r.returncode for r in results] == [4, 5]
    assert_never_shown([ODD_KEY, encoded], results + inspect_everything(agent, aimed), workdir)


@pytest.mark.parametrize("base_url", [
    REFUSED_URL, "http://127.0.0.1:99999", "ftp://127.0.0.1/",
    "not a url", "http://exa mple.invalid/", "http://%s@127.0.0.1:1/" % API_KEY])
def test_failures_before_any_answer_never_show_the_key(agent, env, workdir, base_url):
    aimed = aimed_env(env, workdir, base_url, connect=1)
    pushed = push_change(agent, aimed, "c1")
    assert pushed.returncode in (3, 5), pushed.stderr
    assert "pulse-agent:" in pushed.stderr
    assert_never_shown([API_KEY], [pushed] + inspect_everything(agent, aimed), workdir)


def test_a_dropped_connection_never_shows_the_key(agent, env, workdir, server):
    aimed = aimed_env(env, workdir, server.url)
    server.script([{"action": "close"}, {"action": "close"}])
    pushed = push_change(agent, aimed, "c1")
    assert pushed.returncode == 3, pushed.stderr
    assert_never_shown([API_KEY], [pushed] + inspect_everything(agent, aimed), workdir)


@pytest.mark.parametrize("source", ["flag", "key-file", "config", "config-key-file"])
def test_a_key_from_any_source_is_scrubbed(agent, env, workdir, server, source):
    key = "other-key-5e8a1d0c"
    (workdir / "key").write_text(key + "\n")
    config_lines = {"config": "api_key: %s\n" % key,
                    "config-key-file": "api_key_file: %s\n" % (workdir / "key")}
    aimed = aimed_env(env, workdir, server.url, key=None, extra=config_lines.get(source, ""))
    extra = {"flag": ["--api-key", key],
             "key-file": ["--api-key-file", str(workdir / "key")]}.get(source, [])
    server.script([{"status": 401, "body": "denied " + key}] * 2)
    pushed = push_change(agent, aimed, "c1", *extra)
    assert pushed.returncode == 5, pushed.stderr
    flushed = run([agent, "flush"] + extra, aimed)
    assert flushed.returncode == 5, flushed.stderr
    assert_never_shown([key], [pushed, flushed] + inspect_everything(agent, aimed), workdir)


def test_dry_run_never_shows_the_key(agent, env, workdir, server):
    aimed = aimed_env(env, workdir, server.url)
    result = push_change(agent, aimed, "c1", "--dry-run")
    assert result.returncode == 0 and '"change_id":"c1"' in result.stdout
    assert API_KEY not in result.stdout + result.stderr
