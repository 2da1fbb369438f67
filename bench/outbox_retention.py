#!/usr/bin/env python3
"""The outbox's size after EVENTS (default 1,000,000) delivered events are
pruned, against the same outbox unpruned, in one run.

The outbox is made by the binary (`pulse-agent push change`, so its schema,
page size and auto-vacuum are the binary's own), then filled by SQL with
copies of the event the binary queued, each with its own id, delivered 40
days ago: a million pushes would take hours. A copy of the file is the
baseline; the other is pruned by `pulse-agent outbox prune` (retention 30
days). Prints both sizes, the ratio and the time the prune took.
Usage: outbox_retention.py [BUILD_DIR]; EVENTS=N to change the count."""

import json
import os
import pathlib
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time

EVENTS = int(os.environ.get("EVENTS", "1000000"))
DAY = 24 * 3600


def agent_path():
    build = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else
                         pathlib.Path(__file__).resolve().parents[1] / "build")
    agent = build / "pulse-agent"
    if not os.access(agent, os.X_OK):
        sys.exit("no pulse-agent at %s; build it first" % agent)
    return str(agent)


def environment(outbox, config):
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(outbox.parent),
           "PULSE_OUTBOX": str(outbox), "PULSE_CONFIG": str(config),
           "PULSE_BASE_URL": "http://127.0.0.1:9"}
    return env


def fill(outbox):
    """Copy the one queued event EVENTS times, delivered 40 days ago."""
    db = sqlite3.connect(str(outbox))
    system, kind, environment_name, body = db.execute(
        "SELECT system, type, environment, body FROM events").fetchone()
    template = json.loads(body)
    delivered_at = int(time.time()) - 40 * DAY

    def rows():
        for n in range(EVENTS):
            change_id = "%040x" % (n * 2654435761 % (1 << 160))
            template["change_id"] = change_id
            yield (system, kind, change_id, environment_name, json.dumps(template),
                   delivered_at - 60, delivered_at)

    db.execute("DELETE FROM events")
    db.executemany("INSERT INTO events (system, type, id, environment, body, state, attempts, "
                   "last_status, queued_at, delivered_at) "
                   "VALUES (?, ?, ?, ?, ?, 'delivered', 1, 200, ?, ?)", rows())
    db.commit()
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()


def main():
    agent = agent_path()
    work = pathlib.Path(tempfile.mkdtemp(prefix="pulse-retention-"))
    try:
        config = work / "config.yaml"
        config.write_text("retention:\n  delivered_days: 30\n")
        pruned = work / "pruned" / "outbox.db"
        unpruned = work / "unpruned" / "outbox.db"
        pruned.parent.mkdir()
        unpruned.parent.mkdir()
        subprocess.run([agent, "push", "change", "--identifier", "seed", "--timestamp",
                        "1602848432", "--system", "shop"], env=environment(pruned, config),
                       capture_output=True, check=False)
        started = time.time()
        fill(pruned)
        filled = time.time() - started
        shutil.copyfile(pruned, unpruned)
        started = time.time()
        result = subprocess.run([agent, "outbox", "prune"], env=environment(pruned, config),
                                capture_output=True, text=True)
        prune_time = time.time() - started
        if result.returncode != 0:
            sys.exit("prune failed: " + result.stderr)
        before = unpruned.stat().st_size
        after = pruned.stat().st_size + sum(
            p.stat().st_size for p in pruned.parent.glob("outbox.db-wal"))
        print("events delivered:       %d (generated in %.1f s)" % (EVENTS, filled))
        print("outbox unpruned:        %.1f MB" % (before / 1e6))
        print("outbox pruned:          %.1f MB (file and WAL; prune took %.1f s)"
              % (after / 1e6, prune_time))
        print("pruned / unpruned:      %.3f" % (after / before))
        print(result.stdout.strip())
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
