"""`outbox list --json` and `status --json` on stored text that is not valid
UTF-8 (an identifier, an API answer, an answer cut inside a character): every
event is listed, as valid JSON, with each invalid byte shown as U+FFFD."""

import json
import subprocess

from agent_env import aimed_env

BAD_ID = b"c4\xff"
REJECTED_BODY = b'{"error":"bad \xff\xfe byte"}'
# Cut at 300 bytes in the stored error, inside the 150th "é".
OVERLOADED_BODY = "x" + "\u00e9" * 200


def run_bytes(args, env):
    """Run the binary and keep its output as bytes, whatever they are."""
    return subprocess.run(args, env=env, capture_output=True, timeout=60)


def queue(agent, env, change_id):
    offline = dict(env)
    offline.pop("PULSE_API_KEY", None)
    result = run_bytes([agent, "push", "change", "--identifier", change_id, "--timestamp",
                        "1700000000"], offline)
    assert result.returncode == 3, result.stderr


def json_lines(stdout):
    """The lines of stdout, which must be UTF-8, each parsed as JSON."""
    return [json.loads(line) for line in stdout.decode("utf-8").splitlines()]


def test_invalid_utf8_is_listed_as_replacement_characters(agent, env, workdir, server):
    aimed = aimed_env(env, workdir, server.url)
    ids = ["c1", "c2", "c3", BAD_ID, "c5", "c6", "c7"]
    for change_id in ids:
        queue(agent, aimed, change_id)
    server.script([{}, {}, {"status": 400, "body": REJECTED_BODY}, {}, {},
                   {"status": 503, "body": OVERLOADED_BODY}])
    flushed = run_bytes([agent, "flush"], aimed)
    assert flushed.returncode == 3, flushed.stderr  # c6 waits to be retried after its 503
    listed = run_bytes([agent, "outbox", "list", "--json"], aimed)
    assert listed.returncode == 0, listed.stderr
    rows = json_lines(listed.stdout)
    assert [row["id"] for row in rows] == ["c1", "c2", "c3", "c4\ufffd", "c5", "c6", "c7"]
    assert [row["state"] for row in rows] == ["delivered"] * 2 + ["parked"] + \
        ["delivered"] * 2 + ["queued", "delivered"]
    assert rows[3]["body"]["change_id"] == "c4\ufffd"
    assert rows[2]["response"] == '{"error":"bad \ufffd\ufffd byte"}'
    assert rows[2]["last_error"].endswith(': HTTP 400: {"error":"bad \ufffd\ufffd byte"}')
    assert rows[5]["last_error"].endswith("x" + "\u00e9" * 149 + "\ufffd")
    parked = run_bytes([agent, "outbox", "list", "--json", "--state", "parked"], aimed)
    assert [row["id"] for row in json_lines(parked.stdout)] == ["c3"]


def test_status_json_replaces_invalid_utf8_in_the_delivery_error(agent, env, workdir, server):
    aimed = aimed_env(env, workdir, server.url)
    queue(agent, aimed, "c1")
    server.script([{"status": 503, "body": OVERLOADED_BODY}])
    assert run_bytes([agent, "flush"], aimed).returncode == 3
    status = run_bytes([agent, "status", "--json"], aimed)
    assert status.returncode == 0, status.stderr
    report = json.loads(status.stdout.decode("utf-8"))
    assert report["events"]["queued"] == 1
    assert "x" + "\u00e9" * 149 + "\ufffd; retrying" in report["last_delivery_error"]
