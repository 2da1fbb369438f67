"""`pulse-agent push` re-run in a CI job: it delivers its own event at once
(backoff or not, a deployment after its listed changes still queued) and
nothing else of the backlog, sends a corrected body again, works without
any writable state, and `flush` tries everything queued now."""

import fcntl
import os
import time

import pytest

from agent_env import aimed_env, delivered_ids, push_change
from conftest import API_KEY, outbox_rows, run

# 1602848432 = 2020-10-16T11:40:32Z
BODY_C1 = ('{"source":"cli","change_id":"c1","time_created":"2020-10-16T11:40:32Z",'
           '"event_type":"commit","$type":"change"}')


def slow_retry(env, workdir, server):
    """Aimed at the server with a backoff no test outlives."""
    return aimed_env(env, workdir, server.url, initial_backoff=600, max_backoff=600)


def offline(env):
    without_key = dict(env)
    without_key.pop("PULSE_API_KEY", None)
    return without_key


@pytest.fixture
def aimed_rerun(env, workdir, server):
    return slow_retry(env, workdir, server)


def row_of(agent, env, event_id):
    [row] = [r for r in outbox_rows(agent, env) if r["id"] == event_id]
    return row


def test_a_rerun_after_a_500_delivers_although_the_backoff_runs(agent, env, workdir, server):
    aimed = slow_retry(env, workdir, server)
    server.script([{"status": 500, "body": "down for maintenance"}])
    first = push_change(agent, aimed, "c1")
    assert first.returncode == 3, first.stderr
    assert "HTTP 500" in first.stderr and "down for maintenance" in first.stderr
    row = row_of(agent, aimed, "c1")
    assert row["state"] == "queued" and row["next_attempt"] > time.time() + 300
    again = push_change(agent, aimed, "c1")
    assert again.returncode == 0, again.stderr
    assert "delivered (queued before) change 'c1'" in again.stderr
    assert delivered_ids(server) == ["c1"]
    assert [r.body_text for r in server.requests] == [BODY_C1, BODY_C1]
    assert row_of(agent, aimed, "c1")["state"] == "delivered"


def test_a_push_sends_only_its_own_event_past_older_ones_waiting(agent, env, workdir, server):
    aimed = slow_retry(env, workdir, server)
    server.script([{"status": 503}])
    assert push_change(agent, aimed, "old").returncode == 3
    for backlog in ("q1", "q2"):
        assert push_change(agent, offline(aimed), backlog).returncode == 3
    result = push_change(agent, aimed, "new")
    assert result.returncode == 0, result.stderr
    assert [r.json["change_id"] for r in server.requests] == ["old", "new"]
    states = {r["id"]: r["state"] for r in outbox_rows(agent, aimed)}
    assert states == {"old": "queued", "q1": "queued", "q2": "queued", "new": "delivered"}


def test_a_deployment_sends_its_queued_changes_first_and_nothing_else(agent, aimed_rerun,
                                                                      server):
    agent_env = aimed_rerun
    for change_id in ("x1", "x2", "unrelated"):
        assert push_change(agent, offline(agent_env), change_id).returncode == 3
    result = run([agent, "push", "deployment", "--identifier", "v1", "--timestamp",
                  "1602848432", "x2", "x1", "x3"], agent_env)
    assert result.returncode == 0, result.stderr
    sent = [r.json.get("change_id") or r.json.get("deploy_id") for r in server.requests]
    # The listed changes go in the order they were queued, the order of their system.
    assert sent == ["x1", "x2", "v1"]
    assert row_of(agent, agent_env, "unrelated")["state"] == "queued"


def test_a_deployment_waits_when_a_listed_change_fails(agent, aimed_rerun, server):
    assert push_change(agent, offline(aimed_rerun), "x1").returncode == 3
    server.script([{"status": 502}])
    result = run([agent, "push", "deployment", "--identifier", "v1", "--timestamp",
                  "1602848432", "x1"], aimed_rerun)
    assert result.returncode == 3, result.stderr
    assert "HTTP 502" in result.stderr
    assert [r.json.get("change_id") for r in server.requests] == ["x1"]
    assert row_of(agent, aimed_rerun, "v1")["state"] == "queued"


def test_a_correction_is_updated_and_sent_an_identical_one_is_not(agent, aimed_rerun, server):
    assert push_change(agent, aimed_rerun, "c1").returncode == 0
    corrected = push_change(agent, aimed_rerun, "c1", timestamp="1700000000")
    assert corrected.returncode == 0, corrected.stderr
    assert "updated and delivered change 'c1'" in corrected.stderr
    assert [r.json["time_created"] for r in server.requests] == [
        "2020-10-16T11:40:32Z", "2023-11-14T22:13:20Z"]
    same = push_change(agent, aimed_rerun, "c1", timestamp="1700000000")
    assert same.returncode == 0, same.stderr
    assert "already delivered change 'c1'" in same.stderr
    assert len(server.requests) == 2
    resent = push_change(agent, aimed_rerun, "c1", "--resend", timestamp="1700000000")
    assert resent.returncode == 0, resent.stderr
    assert "delivered again change 'c1'" in resent.stderr
    assert len(server.requests) == 3
    assert server.requests[2].json["time_created"] == "2023-11-14T22:13:20Z"
    row = row_of(agent, aimed_rerun, "c1")
    assert row["state"] == "delivered" and row["body"]["time_created"] == "2023-11-14T22:13:20Z"


def test_a_correction_that_fails_stays_queued_with_its_new_body(agent, aimed_rerun, server):
    assert push_change(agent, aimed_rerun, "c1").returncode == 0
    server.script([{"status": 500}])
    corrected = push_change(agent, aimed_rerun, "c1", timestamp="1700000000")
    assert corrected.returncode == 3, corrected.stderr
    assert "updated change 'c1'; not delivered yet (" in corrected.stderr
    row = row_of(agent, aimed_rerun, "c1")
    assert row["state"] == "queued" and row["body"]["time_created"] == "2023-11-14T22:13:20Z"


def test_flush_ignores_backoff_timers(agent, aimed_rerun, server):
    server.script([{"status": 500}])
    assert push_change(agent, aimed_rerun, "c1").returncode == 3
    result = run([agent, "flush"], aimed_rerun)
    assert result.returncode == 0, result.stderr
    assert "delivered 1" in result.stderr
    assert delivered_ids(server) == ["c1"]


def test_a_push_says_so_when_another_process_keeps_delivering(agent, env, workdir, server):
    aimed = aimed_env(env, workdir, server.url, total=1, connect=1)
    lock_path = aimed["PULSE_OUTBOX"] + ".deliver.lock"
    with open(lock_path, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        result = push_change(agent, aimed, "c1")
    assert result.returncode == 3, result.stderr
    assert "another pulse-agent process kept delivering this outbox" in result.stderr
    assert server.requests == []


def as_nobody(agent, server, *args, status=None):
    """Run push as user nobody with an unwritable home and no outbox configured."""
    environment = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": "/nonexistent",
                   "LANG": "C.UTF-8", "PULSE_API_KEY": API_KEY, "PULSE_BASE_URL": server.url}
    for name in ("ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"):
        if name in os.environ:
            environment[name] = os.environ[name]
    return run(["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", agent,
                "push", "change", "--identifier", "c1", "--timestamp", "1602848432"]
               + list(args), environment)


def test_an_unwritable_home_sends_directly(agent, server):
    result = as_nobody(agent, server)
    assert result.returncode == 0, result.stderr
    notices = [line for line in result.stderr.splitlines() if "no outbox" in line]
    assert len(notices) == 1 and "sending directly" in notices[0]
    assert [r.body_text for r in server.requests] == [BODY_C1]
    assert server.requests[0].query == {"api_key": API_KEY}
    assert API_KEY not in result.stderr


def test_an_unwritable_home_reports_a_failed_send(agent, server):
    server.script([{"status": 500}])
    failed = as_nobody(agent, server)
    assert failed.returncode == 3, failed.stderr
    assert "HTTP 500" in failed.stderr and "nothing was kept" in failed.stderr
    server.script([{"status": 422, "body": "bad event"}])
    rejected = as_nobody(agent, server)
    assert rejected.returncode == 4, rejected.stderr
    assert "bad event" in rejected.stderr
