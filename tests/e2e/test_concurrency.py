"""Many pulse-agent processes on one outbox at once: every event is queued,
none is lost, and none reaches the API twice."""

import fcntl
import pathlib
import sqlite3
import subprocess
import time
from collections import Counter

from agent_env import REFUSED_URL, DownServer, aimed_env, delivered_ids, flush_until_drained
from conftest import outbox_rows

PROCESSES = 20


def push_all_at_once(agent, env, change_ids):
    """Start one `push change` per id, all held at a gate (a lock the test
    holds, taken shared by `flock` before it runs the agent) and let go
    together; return (exit code, stderr) of each, in id order."""
    gate = pathlib.Path(env["PULSE_OUTBOX"]).parent / "gate"
    gate.touch()
    with open(gate) as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        started = [subprocess.Popen(["flock", "--shared", str(gate), agent, "push", "change",
                                     "--identifier", change_id, "--timestamp", "1700000000"],
                                    env=env, text=True, stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE)
                   for change_id in change_ids]
        time.sleep(0.2)
    results = []
    for process in started:
        _, stderr = process.communicate(timeout=60)
        results.append((process.returncode, stderr))
    return results


def assert_delivered_exactly_once(server, agent, env, change_ids):
    counts = Counter(delivered_ids(server))
    assert set(counts) == set(change_ids)
    assert [c for c, n in counts.items() if n > 1] == [], "sent twice"
    assert len(server.requests) == len(change_ids)
    rows = outbox_rows(agent, env)
    assert sorted(row["id"] for row in rows) == sorted(change_ids)
    assert {(row["state"], row["attempts"]) for row in rows} == {("delivered", 1)}


def test_processes_pushing_at_once_all_deliver_exactly_once(agent, env, workdir, server):
    aimed = aimed_env(env, workdir, server.url)
    change_ids = ["c%02d" % i for i in range(PROCESSES)]
    results = push_all_at_once(agent, aimed, change_ids)
    assert [code for code, _ in results] == [0] * PROCESSES, results
    assert_delivered_exactly_once(server, agent, aimed, change_ids)


def test_processes_pushing_while_the_server_is_down_lose_nothing(agent, env, workdir):
    down = DownServer()
    aimed = aimed_env(env, workdir, down.url)
    change_ids = ["c%02d" % i for i in range(PROCESSES)]
    results = push_all_at_once(agent, aimed, change_ids)
    assert [code for code, _ in results] == [3] * PROCESSES, results
    rows = outbox_rows(agent, aimed)
    assert sorted(row["id"] for row in rows) == change_ids
    assert {row["state"] for row in rows} == {"queued"}
    server = down.up()
    try:
        assert flush_until_drained(agent, aimed).returncode == 0
        counts = Counter(delivered_ids(server))
        assert set(counts) == set(change_ids) and set(counts.values()) == {1}
    finally:
        server.stop()


def test_flushes_at_once_never_send_an_event_twice(agent, env, workdir, server):
    offline = aimed_env(env, workdir, server.url, key=None)
    change_ids = ["c%02d" % i for i in range(PROCESSES)]
    results = push_all_at_once(agent, offline, change_ids)
    assert [code for code, _ in results] == [3] * PROCESSES, results
    aimed = aimed_env(env, workdir, server.url)
    started = [subprocess.Popen([agent, "flush"], env=aimed, stderr=subprocess.PIPE, text=True)
               for _ in range(3)]
    for process in started:
        _, stderr = process.communicate(timeout=60)
        assert process.returncode == 0, stderr
    assert_delivered_exactly_once(server, agent, aimed, change_ids)


def test_a_new_outbox_busy_in_another_process_is_waited_for(agent, env, workdir):
    # A new outbox (still in rollback mode) that another process is about to
    # write, as the first of many pushes does when it switches it to WAL:
    # the switch reads, then writes, and SQLite does not wait on the busy
    # timeout when a read turns into a write.
    outbox = workdir / "outbox.db"
    holder = sqlite3.connect(str(outbox), isolation_level=None)
    holder.execute("CREATE TABLE other (x)")
    holder.execute("BEGIN IMMEDIATE")
    offline = aimed_env(env, workdir, REFUSED_URL, key=None)
    started = time.time()
    push = subprocess.Popen([agent, "push", "change", "--identifier", "c1", "--timestamp", "1"],
                            env=offline, stderr=subprocess.PIPE, text=True)
    time.sleep(0.5)
    holder.execute("COMMIT")
    holder.close()
    _, stderr = push.communicate(timeout=30)
    assert push.returncode == 3, stderr
    assert time.time() - started >= 0.5
    assert [row["id"] for row in outbox_rows(agent, offline)] == ["c1"]

