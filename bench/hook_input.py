#!/usr/bin/env python3
"""Benchmark of the post-receive hook on a huge push: the peak memory and the
time of `pulse-agent hook post-receive` given SIZE MB of input (half a
million refs for 50 MB), against the input's own size and against `cat`
reading the same input, in one run.

A hook has to hold its input once (a chained hook gets the same bytes), so
the input's size is the floor; the target is a peak within 1.25x of it plus
the binary's own ~15 MB, and 2.25x for a push too big for the spool (over
64 MB as a record), which goes to the outbox, where SQLite copies the value
it writes. The hook runs as installed, in a bare repository,
with `hook.deliver: service`, so that it starts no background process and
only the push's own process is measured (and none competes with it); the
record it leaves in the spool (in the outbox above 64 MB) is checked to hold
every line.

Needs GNU time (/usr/bin/time, installed by scripts/install-deps).
Usage: bench/hook-input.sh [BUILD_DIR]   Environment: SIZES (MB, default
"50 100"), RUNS (default 3; the median is printed).
"""

import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET_RATIO = 1.25
# A push too big for the spool (over 64 MB as a record) goes to the outbox,
# where SQLite builds one copy of the value it writes.
OUTBOX_TARGET_RATIO = 2.25
BINARY_MB = 15.0


def make_input(path, megabytes):
    """Write post-receive lines (new branches) until the file holds `megabytes` MB;
    return the number of lines."""
    lines = 0
    with open(path, "w") as out:
        written = 0
        while written < megabytes * 1_000_000:
            line = "%s %040x refs/heads/topic/%07d\n" % ("0" * 40, lines + 1, lines)
            out.write(line)
            written += len(line)
            lines += 1
    return lines


def measured(argv, stdin_path, env, cwd):
    """Run argv with the file on stdin; return (seconds, its peak RSS in MB).
    Through GNU time, which forks the program from a process of its own: a
    program started from this one directly would have this Python's peak
    counted in its own (Linux keeps the peak across exec)."""
    with tempfile.NamedTemporaryFile("r") as figures, open(stdin_path, "rb") as stdin:
        done = subprocess.run(["/usr/bin/time", "-f", "%e %M", "-o", figures.name] + argv,
                              stdin=stdin, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                              env=env, cwd=cwd)
        if done.returncode != 0 or done.stderr:
            sys.exit("%s: exit %d: %s" % (argv[0], done.returncode, done.stderr.decode()))
        seconds, kilobytes = figures.read().split()
    return float(seconds), int(kilobytes) / 1024.0


def recorded_lines(spool, outbox):
    """The update lines of the one push recorded: in the spool, or in the
    outbox when it was too big for the spool (64 MB as a record)."""
    records = list(spool.glob("*.push"))
    if not records:
        db = sqlite3.connect(str(outbox))
        rows = db.execute("SELECT updates FROM pushes").fetchall()
        db.close()
        for path in outbox.parent.glob(outbox.name + "*"):
            path.unlink()  # the next run starts without an outbox again
        assert len(rows) == 1, "expected one recorded push, found %d" % len(rows)
        return rows[0][0].count("\n"), "outbox"
    assert len(records) == 1, "expected one record, found %d" % len(records)
    count, carry = 0, b""
    with open(records[0], "rb") as record:
        while True:
            chunk = record.read(1 << 20)
            if not chunk:
                break
            count += (carry + chunk).count(b"\\n")
            carry = chunk[-1:] if chunk.endswith(b"\\") else b""
    records[0].unlink()
    return count, "spool"


def agent_path(script):
    """The pulse-agent of the build folder named on the command line (default:
    build); exits saying so when there is none."""
    build = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).parent.parent / "build")
    agent = str((build / "pulse-agent").resolve())
    if not os.access(agent, os.X_OK):
        sys.exit("bench/%s: no pulse-agent in %s (build it first)" % (script, build))
    return agent


def main():
    agent = agent_path("hook-input.sh")
    sizes = [int(s) for s in os.environ.get("SIZES", "50 100").split()]
    runs = int(os.environ.get("RUNS", "3"))
    scratch = Path(tempfile.mkdtemp(prefix="pulse-hook-input."))
    failed = False
    try:
        repo = scratch / "shop.git"
        subprocess.run(["git", "init", "-q", "--bare", str(repo)], check=True)
        (scratch / "config.yaml").write_text("hook:\n  deliver: service\n")
        env = {"PATH": os.environ["PATH"], "HOME": str(scratch), "LANG": "C",
               "GIT_DIR": str(repo), "PULSE_CONFIG": str(scratch / "config.yaml"),
               "PULSE_OUTBOX": str(scratch / "outbox.db"), "PULSE_SPOOL": str(scratch / "spool")}
        (scratch / "spool").mkdir(mode=0o700)
        print("post-receive on a huge push (median of %d runs each)" % runs)
        for size in sizes:
            input_path = scratch / ("input-%d" % size)
            lines = make_input(input_path, size)
            input_mb = input_path.stat().st_size / 2**20
            hook, cat, places = [], [], set()
            for _ in range(runs):
                cat.append(measured(["cat"], input_path, env, repo))
                hook.append(measured([agent, "hook", "post-receive"], input_path, env, repo))
                count, place = recorded_lines(scratch / "spool", scratch / "outbox.db")
                assert count == lines, "the record lost lines"
                places.add(place)
            assert len(places) == 1
            place = places.pop()
            target = TARGET_RATIO if place == "spool" else OUTBOX_TARGET_RATIO
            seconds = statistics.median(s for s, _ in hook)
            peak = statistics.median(m for _, m in hook)
            cat_seconds = statistics.median(s for s, _ in cat)
            ratio = peak / input_mb
            ok = peak <= target * input_mb + BINARY_MB
            failed |= not ok
            print("  %3d MB input (%d refs, recorded in the %s): hook %.2f s, peak %.0f MB = "
                  "%.2fx the input (target <= %.2fx + %.0f MB: %s); cat %.2f s (hook/cat %.1fx)"
                  % (size, lines, place, seconds, peak, ratio, target, BINARY_MB,
                     "met" if ok else "MISSED", cat_seconds, seconds / max(cat_seconds, 1e-3)))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
