"""Delivery with many requests in flight against a server that holds each
answer (a network round trip) or caps how many it serves at once: the one
order kept (a deployment after its changes' answers), back-off on 429 and
Retry-After for every request, a 400 among many, and stops that repeat
nothing (SIGTERM) or only what was in flight (kill -9)."""

import re
import signal
import subprocess
import time

from agent_env import aimed_env, delivered_ids
from conftest import PulseServer, git, outbox_rows, run
from test_watch_support import Watcher, wait_until

RELEASE_EVERY = 10


def history(workdir, commits, name="shop"):
    """A repository of `commits` commits on main, tagged vN every
    RELEASE_EVERY commits, made in one `git fast-import`."""
    repo = workdir / name
    git(workdir, "init", "-q", "-b", "main", str(repo))
    stream = []
    for i in range(1, commits + 1):
        message = "commit %d\n" % i
        stream.append("commit refs/heads/main\nmark :%d\n"
                      "committer Ada <ada@example.com> %d +0000\ndata %d\n%s"
                      % (i, 1600000000 + i * 60, len(message), message))
        if i > 1:
            stream.append("from :%d\n" % (i - 1))
        stream.append("M 644 inline file\ndata %d\n%d\n\n" % (len(str(i)) + 1, i))
        if i % RELEASE_EVERY == 0:
            stream.append("tag v%d.0.0\nfrom :%d\ntagger Ada <ada@example.com> %d +0000\n"
                          "data 8\nrelease\n\n" % (i // RELEASE_EVERY, i, 1600000000 + i * 60))
    git(repo, "fast-import", "--quiet", input="".join(stream))
    return repo


def queue_history(agent, env, workdir, commits):
    """Backfill a new history with no API key: every event waits in the outbox."""
    repo = history(workdir, commits)
    offline = dict(env)
    offline.pop("PULSE_API_KEY", None)
    result = run([agent, "backfill", "--repo", str(repo), "--system", "shop"], offline)
    assert result.returncode == 3, result.stderr
    return repo


def ids_of(requests):
    return [r.json.get("change_id") or r.json.get("deploy_id") for r in requests]


def test_requests_overlap_and_each_deployment_follows_its_changes(agent, env, workdir):
    server = PulseServer(delay_ms=100).start()
    try:
        aimed = aimed_env(env, workdir, server.url, concurrency=64)
        queue_history(agent, aimed, workdir, 60)
        started = time.time()
        result = run([agent, "flush"], aimed)
        took = time.time() - started
        assert result.returncode == 0, result.stderr
        assert len(server.delivered) == 66
        assert sorted(ids_of(server.requests)) == sorted(set(ids_of(server.requests)))
        # One at a time, 66 answers held 100 ms each take 6.6 s.
        assert server.most_in_service >= 8
        assert took < 4.0, took
        # Every deployment's request started after the answers to the changes it lists.
        answered = {r.json["change_id"]: r.answered for r in server.requests
                    if "change_id" in r.json}
        deployments = [r for r in server.requests if "deploy_id" in r.json]
        assert len(deployments) == 6
        for deployment in deployments:
            assert len(deployment.json["changes"]) == RELEASE_EVERY
            for change in deployment.json["changes"]:
                assert deployment.time >= answered[change], deployment.json["deploy_id"]
        # `outbox` shows the pace the courier found: many in flight, 100 ms and more.
        pace = re.search(r"delivery pace: (\d+) requests in flight at most, round trip (\d+) ms",
                         run([agent, "outbox"], aimed).stdout)
        assert pace and int(pace.group(1)) >= 8 and 100 <= int(pace.group(2)) < 1000
    finally:
        server.stop()


def test_a_capped_server_gets_fewer_requests_and_every_event_once(agent, env, workdir):
    server = PulseServer(delay_ms=50, max_concurrent=4).start()
    try:
        aimed = aimed_env(env, workdir, server.url, concurrency=64)
        queue_history(agent, aimed, workdir, 120)
        result = run([agent, "flush"], aimed, timeout=120)
        assert result.returncode == 0, result.stderr
        delivered = delivered_ids(server)
        assert len(delivered) == 132 and len(set(delivered)) == 132
        statuses = [r.status for r in server.requests]
        throttled = statuses.count(429)
        # Slow start runs into the cap, backs off and stays under it.
        assert 1 <= throttled <= 20, throttled
        assert {row["state"] for row in outbox_rows(agent, aimed)} == {"delivered"}
    finally:
        server.stop()


def test_retry_after_holds_every_request_not_only_the_one_answered(agent, env, workdir, server):
    aimed = aimed_env(env, workdir, server.url, concurrency=64)
    queue_history(agent, aimed, workdir, 20)
    server.script([{"status": 429, "retry_after": "2"}])
    result = run([agent, "flush"], aimed)
    assert result.returncode == 0, result.stderr
    first, rest = server.requests[0], server.requests[1:]
    assert first.status == 429
    # The requests already in flight when the 429 came may end; none starts
    # before the pause is over.
    started_after = [r for r in rest if r.time >= first.answered + 1.9]
    assert len(started_after) >= len(rest) - 1
    assert len(delivered_ids(server)) == 22


def test_a_400_among_many_in_flight_is_parked_and_the_rest_delivered(agent, env, workdir):
    server = PulseServer(delay_ms=30).start()
    try:
        aimed = aimed_env(env, workdir, server.url, concurrency=64)
        queue_history(agent, aimed, workdir, 40)
        server.script([{}] * 5 + [{"status": 400, "body": "bad event"}])
        result = run([agent, "flush"], aimed)
        assert result.returncode == 4, result.stderr
        assert "parked 1" in result.stderr
        rows = outbox_rows(agent, aimed)
        parked = [r for r in rows if r["state"] == "parked"]
        assert len(parked) == 1 and "bad event" in parked[0]["last_error"]
        assert len(server.requests) == 44
        assert sum(r["state"] == "delivered" for r in rows) == 43
    finally:
        server.stop()


def test_sigterm_during_a_flush_lets_requests_end_and_nothing_is_sent_twice(
        agent, env, workdir):
    server = PulseServer(delay_ms=1000).start()
    try:
        aimed = aimed_env(env, workdir, server.url, concurrency=64)
        queue_history(agent, aimed, workdir, 60)
        flush = subprocess.Popen([agent, "flush"], env=aimed, stderr=subprocess.PIPE, text=True)
        assert wait_until(lambda: len(server.requests) >= 4, timeout=10)
        flush.send_signal(signal.SIGTERM)
        _, stderr = flush.communicate(timeout=30)
        assert flush.returncode == 3, stderr
        in_flight = len(server.requests)
        # Every request made was answered and recorded before flush ended.
        assert sum(r["state"] == "delivered" for r in outbox_rows(agent, aimed)) == in_flight
        server.delay_ms = 0
        again = run([agent, "flush"], aimed)
        assert again.returncode == 0, again.stderr
        ids = ids_of(server.requests)
        assert len(ids) == 66 and len(set(ids)) == 66
    finally:
        server.stop()


def test_kill_9_during_a_flush_loses_nothing_and_repeats_only_what_was_in_flight(
        agent, env, workdir):
    server = PulseServer(delay_ms=500).start()
    try:
        aimed = aimed_env(env, workdir, server.url, concurrency=64)
        queue_history(agent, aimed, workdir, 60)
        flush = subprocess.Popen([agent, "flush"], env=aimed, stderr=subprocess.DEVNULL)
        assert wait_until(lambda: len(server.delivered) >= 8, timeout=10)
        flush.kill()
        flush.wait(timeout=10)
        time.sleep(0.6)
        before = len(server.requests)
        recorded = sum(r["state"] == "delivered" for r in outbox_rows(agent, aimed))
        server.delay_ms = 0
        again = run([agent, "flush"], aimed)
        assert again.returncode == 0, again.stderr
        ids = ids_of(server.requests)
        assert set(ids) == set(ids_of(server.requests[:before])) | set(ids[before:])
        assert len(set(ids)) == 66
        repeats = len(ids) - 66
        # Only requests whose answers the killed flush never recorded go again:
        # those in flight for it (answered or not by the server), at most its
        # concurrency.
        assert repeats == before - recorded
        assert repeats <= 64
        assert {row["state"] for row in outbox_rows(agent, aimed)} == {"delivered"}
    finally:
        server.stop()


def test_a_stopping_daemon_records_its_answers_and_repeats_nothing_after_restart(
        agent, env, workdir):
    server = PulseServer(delay_ms=1000).start()
    try:
        aimed = aimed_env(env, workdir, server.url, concurrency=64)
        queue_history(agent, aimed, workdir, 60)
        watcher = Watcher(agent, aimed, workdir, ["--interval", "0.2",
                                                  "--repo", str(workdir / "shop")]).start()
        assert wait_until(lambda: len(server.requests) >= 4, timeout=10)
        code, _ = watcher.stop(signal.SIGTERM)
        assert code == 0, watcher.log()
        in_flight = len(server.requests)
        assert sum(r["state"] == "delivered" for r in outbox_rows(agent, aimed)) == in_flight
        assert "abandoning" not in watcher.log()
        server.delay_ms = 0
        watcher.start()
        assert wait_until(lambda: len(server.delivered) >= 66, timeout=20), watcher.log()
        watcher.stop(signal.SIGTERM)
        ids = ids_of(server.requests)
        assert len(ids) == 66 and len(set(ids)) == 66
    finally:
        server.stop()
