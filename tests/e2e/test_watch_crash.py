"""`kill -9` of `pulse-agent watch` at random moments of busy cycles, 20
times, restarting it each time, while commits and tags keep arriving: in the
end every event arrived, none was lost, and an event reached the server twice
only when a kill fell between the server's answer and the outbox recording it."""

import os
import random
import threading
import time
from collections import Counter

from conftest import git, outbox_rows
from test_watch_support import (Watcher, commit, make_clone, make_mirror, push, rev, rev_list,
                                wait_until, watch_env)

KILLS = 20


class Pusher(threading.Thread):
    """Pushes commits (and a release tag every third push) until stopped."""

    def __init__(self, clone):
        super().__init__(daemon=True)
        self.clone = clone
        self.tags = []
        self.halt = threading.Event()

    def run(self):
        round = 0
        while not self.halt.is_set():
            round += 1
            commit(self.clone, "r%d-a" % round)
            commit(self.clone, "r%d-b" % round)
            refs = ["main"]
            if round % 3 == 0:
                tag = "v%d.0.0" % round
                git(self.clone, "tag", tag)
                self.tags.append(tag)
                refs.append(tag)
            push(self.clone, *refs)

    def stop(self):
        self.halt.set()
        self.join(timeout=30)


def test_kill_9_at_random_moments_loses_nothing_and_repeats_only_what_was_in_flight(
        agent, env, workdir, server):
    seed = int(os.environ.get("PULSE_TEST_SEED", time.time()))
    rng = random.Random(seed)
    mirror = make_mirror(workdir)
    clone = make_clone(workdir, mirror)
    commit(clone, "base")
    push(clone, "main")
    aimed = watch_env(env, workdir, server.url)
    watcher = Watcher(agent, aimed, workdir, ["--repo", str(mirror), "--interval", "0.05"])
    watcher.start()
    watcher.wait_for_log("first sight")
    baseline = rev(mirror, "main")
    pusher = Pusher(clone)
    pusher.start()
    kills = []
    try:
        for _ in range(KILLS):
            time.sleep(rng.uniform(0.05, 0.6))
            watcher.kill()
            kills.append(time.time())  # once it is dead
            watcher.start()
        pusher.stop()
        changes = rev_list(mirror, "main", "^" + baseline)
        expected = changes | set(pusher.tags)
        assert wait_until(lambda: {r["id"] for r in outbox_rows(agent, aimed)
                                   if r["state"] == "delivered"} >= expected, timeout=20), \
            "not everything was delivered (seed %d)" % seed
        time.sleep(0.5)
        assert watcher.stop()[0] == 0
    finally:
        pusher.halt.set()
        watcher.ensure_stopped()

    rows = outbox_rows(agent, aimed)
    assert sorted(r["id"] for r in rows) == sorted(expected)
    assert {r["state"] for r in rows} == {"delivered"}

    arrivals = Counter()
    first_arrival = {}
    deployments = {}
    for request in server.delivered:
        key = request.json.get("change_id") or request.json.get("deploy_id")
        arrivals[key] += 1
        first_arrival.setdefault(key, request.time)
        if request.json["$type"] == "deployment":
            deployments[key] = set(request.json["changes"])
    assert set(arrivals) == expected, "seed %d" % seed

    # Each release lists what no earlier release shipped; together they ship
    # everything reachable from the last one, each commit once.
    shipped = [c for changes_of in deployments.values() for c in changes_of]
    assert len(shipped) == len(set(shipped))
    assert set(shipped) == rev_list(mirror, pusher.tags[-1])

    repeats = {key: n for key, n in arrivals.items() if n > 1}
    requests = server.requests
    for key in repeats:
        # The first delivery was answered, then the process died before the
        # outbox recorded it: the courier sends one event at a time, so
        # nothing was sent after it until a kill and a restart.
        first = next(i for i, r in enumerate(requests)
                     if key in (r.json.get("change_id"), r.json.get("deploy_id")))
        kill = min(k for k in kills if k >= requests[first].time)
        assert first + 1 == len(requests) or requests[first + 1].time >= kill, (key, seed)
    assert sum(n - 1 for n in repeats.values()) <= KILLS
    print("\n%d kills, %d events, %d sent twice (kill between 2xx and commit), seed %d"
          % (len(kills), len(expected), len(repeats), seed))
