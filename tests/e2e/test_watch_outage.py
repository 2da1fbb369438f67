"""The API down (nothing listening) or hanging for several poll cycles: the
daemon keeps polling and queueing on time, and once the API is back every
event is delivered, once."""

import time

from conftest import PulseServer, free_port, git
from test_watch_support import (bodies_by_id, commit, mirror_and_clone, outbox_ids, push,
                                start_watching, status, wait_until)

ROUNDS = 5


def push_rounds_and_time_their_queueing(agent, env, clone, rounds, prefix):
    """Push a commit (and a release every other round) per round; return the
    ids and the longest time a round took to reach the outbox."""
    ids = set()
    slowest = 0.0
    for round in range(rounds):
        ids.add(commit(clone, "%s%d" % (prefix, round)))
        refs = ["main"]
        if round % 2:
            tag = "v%d.%d.0" % (len(prefix), round)
            git(clone, "tag", tag)
            refs.append(tag)
            ids.add(tag)
        start = time.time()
        push(clone, *refs)
        assert wait_until(lambda: ids <= outbox_ids(agent, env), timeout=10)
        slowest = max(slowest, time.time() - start)
    return ids, slowest


def test_an_api_down_for_several_cycles_never_stalls_polling(agent, env, workdir):
    port = free_port()
    mirror, clone = mirror_and_clone(workdir)
    watcher, aimed = start_watching(agent, env, workdir, "http://127.0.0.1:%d" % port, mirror)
    server = None
    try:
        ids, slowest = push_rounds_and_time_their_queueing(agent, aimed, clone, ROUNDS, "down")
        assert slowest < 3.0
        report = status(agent, aimed)
        assert report["events"]["queued"] == len(ids)
        assert "127.0.0.1:%d" % port in report["last_delivery_error"]
        server = PulseServer(port=port).start()
        assert server.wait_for(len(ids), timeout=15)
        watcher.wait_for_log("delivery works again")
        time.sleep(0.5)
    finally:
        watcher.ensure_stopped()
        if server:
            server.stop()
    assert set(bodies_by_id(server)) == ids
    assert watcher.log().count("warning: delivery:") == 1  # one line for the whole outage


def test_a_hanging_api_never_stalls_polling(agent, env, workdir, server):
    mirror, clone = mirror_and_clone(workdir)
    watcher, aimed = start_watching(agent, env, workdir, server.url, mirror, total=10,
                                    low_speed=10)
    try:
        server.script([{"action": "hang", "seconds": 8}])
        ids, slowest = push_rounds_and_time_their_queueing(agent, aimed, clone, ROUNDS, "hang")
        assert slowest < 3.0  # the request hangs for 8 s meanwhile
        assert server.wait_for(len(ids), timeout=30)
    finally:
        watcher.ensure_stopped()
    assert set(bodies_by_id(server)) == ids
    # One request at a time (the test config): nothing else went out while
    # the first one hung, however slowly the rounds above ran.
    hung = server.requests[0]
    assert all(r.time >= hung.time + 7.5 for r in server.requests[1:])
