"""Twenty pushes to one repository at the same moment: every push succeeds,
every event is queued exactly once, and the twenty detached deliveries send
each event exactly once."""

import subprocess
import time

from agent_env import aimed_env, delivered_ids
from conftest import git, outbox_rows
from test_hook_support import Server, commits, deployments, push, wait_for_derivation

PUSHES = 20


def test_twenty_simultaneous_pushes_record_and_deliver_every_event_once(agent, env, workdir,
                                                                        server):
    aimed = aimed_env(env, workdir, server.url)
    repo = Server(agent, aimed, workdir)
    seed = repo.clone("seed")
    commits(seed, 1, prefix="seed")
    push(seed, aimed, "origin", "main")
    clones = []
    for i in range(PUSHES):
        clone = repo.clone("clone%d" % i)
        commits(clone, 2, prefix="clone%d-" % i)
        git(clone, "tag", "v1.%d.0" % i)
        clones.append(clone)
    running = [subprocess.Popen(["git", "-C", str(clone), "push", "-q", "origin",
                                "HEAD:refs/heads/topic%d" % i, "v1.%d.0" % i],
                               env=aimed, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
              for i, clone in enumerate(clones)]
    for process in running:
        _, err = process.communicate(timeout=60)
        assert process.returncode == 0, err
        assert "error" not in err
    wait_for_derivation(aimed)
    rows = outbox_rows(agent, aimed)
    keys = [(row["type"], row["id"]) for row in rows]
    assert len(keys) == len(set(keys))
    changes = {key for kind, key in keys if kind == "change"}
    assert changes == repo.rev_list("--branches")
    assert set(deployments(agent, aimed)) == {"v1.%d.0" % i for i in range(PUSHES)}
    expected = len(rows)
    deadline = time.time() + 30
    while len(server.delivered) < expected and time.time() < deadline:
        time.sleep(0.1)
    time.sleep(0.5)
    sent = delivered_ids(server)
    assert len(sent) == expected and len(set(sent)) == expected
    assert len(server.requests) == expected
