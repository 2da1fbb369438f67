#!/usr/bin/env python3
"""Benchmark of `pulse-agent outbox list --json` on a big outbox: its peak
memory for SMALL events and for LARGE ones (default 1,000 and 100,000 change
events, backfilled from repositories made with git fast-import), and the
ratio between the two, in one run. The listing streams the events a page at
a time, so the peak must not grow with the outbox: the target is a ratio of
at most 1.5 (it took 61 MB for 100,500 events when it loaded them all).
The output is checked to hold every event, one JSON object a line.

Needs GNU time (/usr/bin/time, installed by scripts/install-deps).
Usage: bench/outbox-list.sh [BUILD_DIR]   Environment: SMALL, LARGE, RUNS
(default 3; the median is printed).
"""

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from hook_input import agent_path, measured  # noqa: E402 (the same measure)

TARGET_RATIO = 1.5


def make_repository(path, commits):
    """A bare repository of `commits` commits on main (empty trees: only
    commits travel), made with git fast-import."""
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(path)], check=True)
    now = int(time.time())
    # Written as it is made, not held.
    with subprocess.Popen(["git", "-C", str(path), "fast-import", "--quiet"],
                          stdin=subprocess.PIPE) as importer:
        for i in range(1, commits + 1):
            message = "commit %d\n" % i
            importer.stdin.write(("commit refs/heads/main\nmark :%d\ncommitter Bench "
                                  "<b@example.com> %d +0000\ndata %d\n%s%s"
                                  % (i, now - commits + i, len(message), message,
                                     "from :%d\n" % (i - 1) if i > 1 else "")).encode())
    assert importer.returncode == 0


def listed_events(agent, env):
    """The number of events `outbox list --json` prints, one JSON object a line
    (each checked to parse, with its body)."""
    count = 0
    with subprocess.Popen([agent, "outbox", "list", "--json"], env=env,
                          stdout=subprocess.PIPE) as listing:
        for line in listing.stdout:
            assert "change_id" in json.loads(line)["body"]
            count += 1
    assert listing.returncode == 0
    return count


def main():
    agent = agent_path("outbox-list.sh")
    small = int(os.environ.get("SMALL", "1000"))
    large = int(os.environ.get("LARGE", "100000"))
    runs = int(os.environ.get("RUNS", "3"))
    scratch = Path(tempfile.mkdtemp(prefix="pulse-outbox-list."))
    try:
        peaks = {}
        for count in (small, large):
            repo = scratch / ("r%d.git" % count)
            make_repository(repo, count)
            env = {"PATH": os.environ["PATH"], "HOME": str(scratch), "LANG": "C",
                   "PULSE_OUTBOX": str(scratch / ("outbox-%d.db" % count)),
                   "PULSE_CONFIG": "/dev/null"}
            subprocess.run([agent, "backfill", "--repo", str(repo)], env=env,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            samples = [measured([agent, "outbox", "list", "--json"], "/dev/null", env, scratch)
                       for _ in range(runs)]
            assert listed_events(agent, env) == count, "the outbox holds the wrong events"
            peaks[count] = (statistics.median(m for _, m in samples),
                            statistics.median(s for s, _ in samples))
        ratio = peaks[large][0] / peaks[small][0]
        print("outbox list --json (median of %d runs each)" % runs)
        for count in (small, large):
            print("  %7d events: peak %.1f MB, %.2f s" % (count, peaks[count][0], peaks[count][1]))
        print("  peak at %d events / at %d: %.2fx (target <= %.1fx: %s)"
              % (large, small, ratio, TARGET_RATIO, "met" if ratio <= TARGET_RATIO else "MISSED"))
        sys.exit(0 if ratio <= TARGET_RATIO else 1)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
