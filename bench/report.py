#!/usr/bin/env python3
"""Benchmark of `pulse-agent report`, run by bench/report.sh [BUILD_DIR].

Builds pulse-agent like bench/backfill.sh (Release unless BUILD_DIR is
configured already) and uses its generated repository (BENCH_COMMITS commits,
default 100,000, cached in BUILD_DIR/bench-backfill), without a commit-graph.
Then measures, best wall-clock of BENCH_RUNS runs (default 3), side by side:

  baseline  pulse-agent backfill --repo R --dry-run > /dev/null
  outbox    pulse-agent report        (over an outbox filled by backfill of R)
  repo      pulse-agent report --repo R
  html      pulse-agent report --html FILE   (outbox, with the page written)

and prints each time with its ratio to the baseline (target <= 2x) and the
peak RSS. The window spans the whole history, so every event counts.
"""

import os
import pathlib
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent / "backfill"))
import run as backfill_bench  # noqa: E402

TARGET = 2.0
WINDOW = ["--since", "1970-01-02", "--until", "2100-01-01"]


def main():
    source = backfill_bench.SOURCE
    build_dir = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else source / "build").resolve()
    agent = str(backfill_bench.build(build_dir))
    repo = backfill_bench.make_repository(build_dir / "bench-backfill")
    backfill_bench.set_commit_graph(repo, 0)
    scratch = pathlib.Path(tempfile.mkdtemp(prefix="pulse-bench-report-"))
    (scratch / "config.yaml").write_text("")
    outbox = scratch / "outbox.db"
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(scratch),
           "PULSE_CONFIG": str(scratch / "config.yaml"), "PULSE_OUTBOX": str(outbox)}
    filled = subprocess.run([agent, "backfill", "--repo", str(repo)], env=env,
                            capture_output=True, text=True)
    if filled.returncode not in (0, 3):
        raise SystemExit("backfill failed: " + filled.stderr)
    commits = backfill_bench.git(repo, "rev-list", "--count", "--branches", "--tags").strip()
    backfill_bench.say("pulse-agent report benchmark: %s commits; %d CPUs, load %.2f; best of %d"
                       % (commits, os.cpu_count(), os.getloadavg()[0], backfill_bench.RUNS))
    rows = [
        ("backfill --dry-run (baseline)",
         backfill_bench.best([agent, "backfill", "--repo", str(repo), "--dry-run"], env=env)),
        ("report (outbox)", backfill_bench.best([agent, "report"] + WINDOW, env=env)),
        ("report --repo", backfill_bench.best([agent, "report", "--repo", str(repo)] + WINDOW,
                                              env=env)),
        ("report --html (outbox)",
         backfill_bench.best([agent, "report", "--html", str(scratch / "r.html")] + WINDOW,
                             env=env)),
    ]
    shutil.rmtree(scratch, ignore_errors=True)
    print_rows(rows)


def print_rows(rows):
    baseline = rows[0][1][0]
    backfill_bench.say("")
    backfill_bench.say("%-30s %9s %12s %8s" % ("command", "time", "x baseline", "RSS"))
    failed = False
    for label, (seconds, rss, code) in rows:
        failed |= code != 0
        ratio = seconds / baseline
        mark = "" if label.startswith("backfill") else (" <= %.1f" % TARGET
                                                          if ratio <= TARGET else " OVER")
        backfill_bench.say("%-30s %8.2fs %6.2fx%-6s %6.0fMB%s" % (
            label, seconds, ratio, mark, rss, "  (exit %d)" % code if code else ""))
    if failed:
        raise SystemExit("a command failed")


if __name__ == "__main__":
    main()
