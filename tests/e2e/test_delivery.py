"""What each answer of the API does to queued events: 2xx delivers, 5xx, 429,
a closed connection or a silent server retries later (honouring
Retry-After), 401/403/404/3xx stop and keep everything, other 4xx park one
event; and a retry holds up only the deployments that list it."""

import email.utils
import time

import pytest

from agent_env import (DownServer, aimed_env, delivered_ids, flush_until_drained, push_change,
                       rows_by_id)
from conftest import PulseServer, outbox_rows, run


@pytest.fixture
def aimed(env, workdir, server):
    return aimed_env(env, workdir, server.url)


def queue_offline(agent, env, change_ids, system=None):
    """Queue events without delivering them (no API key in this environment)."""
    offline = dict(env)
    offline.pop("PULSE_API_KEY", None)
    extra = ["--system", system] if system else []
    for change_id in change_ids:
        result = push_change(agent, offline, change_id, *extra)
        assert result.returncode == 3, result.stderr


def test_any_2xx_delivers(agent, aimed, server):
    server.script([{"status": 202}])
    result = push_change(agent, aimed, "c1")
    assert result.returncode == 0, result.stderr
    [row] = outbox_rows(agent, aimed)
    assert (row["state"], row["last_status"]) == ("delivered", 202)


@pytest.mark.parametrize("status", [500, 503, 408])
def test_5xx_and_408_are_retried_by_flush(agent, aimed, server, status):
    server.script([{"status": status, "body": "overloaded"}])
    result = push_change(agent, aimed, "c1")
    assert result.returncode == 3, result.stderr
    assert "queued" in result.stderr and str(status) in result.stderr
    [row] = outbox_rows(agent, aimed)
    assert (row["state"], row["attempts"], row["last_status"]) == ("queued", 1, status)
    assert "overloaded" in row["last_error"]
    result = flush_until_drained(agent, aimed)
    assert result.returncode == 0, result.stderr
    assert delivered_ids(server) == ["c1"] and len(server.requests) == 2
    [row] = outbox_rows(agent, aimed)
    assert (row["state"], row["attempts"]) == ("delivered", 2)


@pytest.mark.parametrize("retry_after", ["seconds", "http-date"])
def test_429_schedules_retry_after_and_flush_sends_at_once(agent, aimed, server, retry_after):
    due = int(time.time()) + 3
    value = "3" if retry_after == "seconds" else email.utils.formatdate(due, usegmt=True)
    server.script([{"status": 429, "retry_after": value}])
    assert push_change(agent, aimed, "c1").returncode == 3
    [row] = outbox_rows(agent, aimed)
    assert (row["attempts"], row["last_status"]) == (1, 429)
    assert due - 1 <= row["next_attempt"] <= due + 1
    # Whoever runs flush wants the queue tried now, backoff or not.
    early = run([agent, "flush"], aimed)
    assert early.returncode == 0, early.stderr
    assert "still queued 0" in early.stderr
    assert delivered_ids(server) == ["c1"]
    assert server.delivered[0].time < row["next_attempt"]


def test_retry_after_is_capped(agent, env, workdir, server):
    aimed = aimed_env(env, workdir, server.url, max_retry_after=2)
    server.script([{"status": 503, "retry_after": "86400"}])
    before = int(time.time())
    assert push_change(agent, aimed, "c1").returncode == 3
    [row] = outbox_rows(agent, aimed)
    assert row["next_attempt"] <= before + 3
    assert flush_until_drained(agent, aimed).returncode == 0
    assert delivered_ids(server) == ["c1"]


def test_400_parks_one_event_and_the_rest_go_on(agent, aimed, server):
    queue_offline(agent, aimed, ["c1", "c2", "c3"])
    server.script([{}, {"status": 400, "body": '{"error":"bad change c2"}'}, {}])
    result = run([agent, "flush"], aimed)
    assert result.returncode == 4, result.stderr
    assert "parked 1" in result.stderr
    assert delivered_ids(server) == ["c1", "c3"]
    rows = rows_by_id(outbox_rows(agent, aimed))
    assert rows["c2"]["state"] == "parked" and rows["c2"]["last_status"] == 400
    assert rows["c2"]["response"] == '{"error":"bad change c2"}'
    assert "bad change c2" in rows["c2"]["last_error"]
    assert [rows[c]["state"] for c in ("c1", "c3")] == ["delivered", "delivered"]
    summary = run([agent, "outbox"], aimed)
    assert "parked: 1" in summary.stdout and "bad change c2" in summary.stdout
    assert run([agent, "flush"], aimed).returncode == 0
    assert len(server.requests) == 3


def test_push_answered_400_exits_4_and_says_why(agent, aimed, server):
    server.script([{"status": 422, "body": "unknown system"}])
    result = push_change(agent, aimed, "c1")
    assert result.returncode == 4, result.stderr
    assert "422" in result.stderr and "unknown system" in result.stderr
    assert outbox_rows(agent, aimed)[0]["state"] == "parked"


@pytest.mark.parametrize("status, hint", [
    (401, "API key"), (403, "API key"), (404, "base URL"), (301, "base URL")])
def test_refused_configuration_exits_5_and_keeps_everything(
        agent, env, workdir, server, status, hint):
    wrong = PulseServer(default_status=status).start()
    try:
        aimed = aimed_env(env, workdir, wrong.url)
        wrong.script([{"status": status, "location": server.url + "/v1/ingestion/cli"}])
        for change_id in ("c1", "c2"):
            result = push_change(agent, aimed, change_id)
            assert result.returncode == 5, result.stderr
            assert str(status) in result.stderr and hint in result.stderr
        flushed = run([agent, "flush"], aimed)
        assert flushed.returncode == 5, flushed.stderr
        assert len(wrong.requests) == 3
    finally:
        wrong.stop()
    assert server.requests == [], "a redirect must not be followed"
    rows = outbox_rows(agent, aimed)
    assert [(r["id"], r["state"]) for r in rows] == [("c1", "queued"), ("c2", "queued")]
    assert "last delivery problem" in run([agent, "outbox"], aimed).stdout
    aimed["PULSE_BASE_URL"] = server.url
    fixed = run([agent, "flush"], aimed)
    assert fixed.returncode == 0, fixed.stderr
    assert delivered_ids(server) == ["c1", "c2"]
    assert "last delivery problem" not in run([agent, "outbox"], aimed).stdout


def test_connection_closed_mid_request_is_retried(agent, aimed, server):
    server.script([{"action": "close"}])
    result = push_change(agent, aimed, "c1")
    assert result.returncode == 3, result.stderr
    [row] = outbox_rows(agent, aimed)
    assert (row["state"], row["attempts"]) == ("queued", 1) and row["last_error"]
    assert flush_until_drained(agent, aimed).returncode == 0
    assert delivered_ids(server) == ["c1"]
    assert outbox_rows(agent, aimed)[0]["state"] == "delivered"


def test_a_silent_server_cannot_hang_push(agent, env, workdir, server):
    aimed = aimed_env(env, workdir, server.url, total=2, low_speed=30)
    server.script([{"action": "hang", "seconds": 20}])
    started = time.time()
    result = push_change(agent, aimed, "c1")
    elapsed = time.time() - started
    assert result.returncode == 3, result.stderr
    assert 1.5 <= elapsed < 3.5, elapsed
    assert "queued" in result.stderr
    assert flush_until_drained(agent, aimed).returncode == 0
    assert delivered_ids(server) == ["c1"]


def test_a_retry_holds_up_only_the_deployment_listing_it(agent, env, workdir, server):
    # A backoff of 2 s at least, so that the second flush surely finds a2 waiting.
    aimed = aimed_env(env, workdir, server.url, initial_backoff=4, max_backoff=4)
    queue_offline(agent, aimed, ["a1", "a2", "a3"], system="alpha")
    offline = dict(aimed)
    offline.pop("PULSE_API_KEY", None)
    assert run([agent, "push", "deployment", "--system", "alpha", "--identifier", "v1",
                "--timestamp", "1602848500", "a1", "a2"], offline).returncode == 3
    queue_offline(agent, aimed, ["b1"], system="beta")
    server.script([{}, {"status": 500}])
    assert run([agent, "flush"], aimed).returncode == 3
    # a3 and b1 went on; v1 waits for a2.
    assert delivered_ids(server) == ["a1", "a3", "b1"]
    # flush ignores a2's backoff; v1 follows a2's answer.
    assert run([agent, "flush"], aimed).returncode == 0
    assert delivered_ids(server) == ["a1", "a3", "b1", "a2", "v1"]
    a2, v1 = server.delivered[3], server.delivered[4]
    assert v1.time >= a2.answered


def test_server_down_then_up_loses_nothing(agent, env, workdir):
    down = DownServer()
    aimed = aimed_env(env, workdir, down.url)
    for change_id in ("c1", "c2", "c3"):
        result = push_change(agent, aimed, change_id)
        assert result.returncode == 3, result.stderr
        assert "will retry" in result.stderr
    assert run([agent, "flush"], aimed).returncode in (0, 3)
    server = down.up()
    try:
        result = flush_until_drained(agent, aimed)
        assert result.returncode == 0, result.stderr
        assert delivered_ids(server) == ["c1", "c2", "c3"]
    finally:
        server.stop()
    assert {row["state"] for row in outbox_rows(agent, aimed)} == {"delivered"}
