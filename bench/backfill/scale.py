"""The backfill benchmark at kernel and monorepo scale, run by bench/backfill.sh.

For each size of BENCH_SCALE_SIZES (default "1000000 5000000" commits, a
release every ~500 commits), a repository made by make_repo.py | git
fast-import, cached between runs in BENCH_CACHE (default
~/.cache/pulse-agent-bench, never under the source tree), measured without a
commit-graph and with one (git's default generation data), in rounds so that
a change of the machine's load falls on every side of a ratio alike:

  floor        git rev-list --branches --tags | wc -l
  dry run      pulse-agent backfill --dry-run > /dev/null   <= 1.3x floor at 1M, 1.5x at 5M
  into outbox  pulse-agent backfill into a fresh outbox     <= 2x floor
  re-run       the same backfill again: nothing new         <= 1.5x floor
  peak RSS     the largest of the three against git's       <= 2x git's

then how each grew from the smallest size to the largest, against git's own
growth (target: no worse). Times are the best of BENCH_RUNS rounds.
"""

import os
import pathlib
import shutil
import tempfile

import run

CACHE = pathlib.Path(os.environ.get("BENCH_CACHE",
                                    pathlib.Path.home() / ".cache" / "pulse-agent-bench"))
SIZES = [int(n) for n in os.environ.get("BENCH_SCALE_SIZES", "1000000 5000000").split()]
COMMITS_PER_RELEASE = 500
STATES = [("no", 0), ("yes", 2)]


def dry_run_target(commits):
    return 1.3 if commits <= 1000000 else 1.5


def repository(commits):
    cache = CACHE / ("backfill-%d" % commits)
    return run.make_repository(cache, commits=commits,
                               releases=max(10, commits // COMMITS_PER_RELEASE))


def set_commit_graph(repo, version):
    """Remove the commit-graph, or put one in place: written once, then kept
    beside the repository (writing one of 5M commits takes minutes)."""
    if not version:
        run.set_commit_graph(repo, 0)
        return
    kept = repo.parent / ("commit-graph.v%d" % version)
    if not kept.exists():
        run.set_commit_graph(repo, version)
        shutil.copyfile(repo / "objects" / "info" / "commit-graph", kept)
        return
    run.set_commit_graph(repo, 0)
    shutil.copyfile(kept, repo / "objects" / "info" / "commit-graph")


def rounds(agent, repo, env, scratch):
    """Return {name: (best seconds, peak RSS MB)} over BENCH_RUNS rounds."""
    outbox = scratch / "outbox.db"
    queued_env = dict(env, PULSE_OUTBOX=str(outbox))
    backfill = [agent, "backfill", "--repo", str(repo)]
    results = {"floor": [], "dry": [], "outbox": [], "rerun": []}
    for _ in range(run.RUNS):
        for suffix in ("", "-wal", "-shm"):
            pathlib.Path(str(outbox) + suffix).unlink(missing_ok=True)
        steps = [("floor", ["git", "-C", str(repo), "rev-list", "--branches", "--tags"],
                  {"count_lines": True}),
                 ("dry", backfill + ["--dry-run"], {"env": env}),
                 ("outbox", backfill, {"env": queued_env}),
                 ("rerun", backfill, {"env": queued_env})]
        for name, command, kwargs in steps:
            seconds, rss, code = run.measure(command, **kwargs)
            if code not in (0, 3):
                raise SystemExit("%s failed (exit %d): %s" % (name, code, " ".join(command)))
            results[name].append((seconds, rss))
    return {name: (min(r[0] for r in rs), max(r[1] for r in rs)) for name, rs in results.items()}


def main(agent):
    scratch = pathlib.Path(tempfile.mkdtemp(prefix="pulse-bench-scale-"))
    (scratch / "config.yaml").write_text("")
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(scratch),
           "PULSE_CONFIG": str(scratch / "config.yaml"), "PULSE_OUTBOX": str(scratch / "x.db")}
    rows = []
    try:
        for commits in SIZES:
            repo = repository(commits)
            for label, version in STATES:
                set_commit_graph(repo, version)
                run.say("measuring %d commits, commit-graph %s ..." % (commits, label))
                rows.append((commits, label, rounds(agent, repo, env, scratch)))
            set_commit_graph(repo, 0)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    report(rows)


def report(rows):
    run.say("")
    run.say("backfill at scale (best of %d rounds; floor: git rev-list --branches --tags)"
            % run.RUNS)
    run.say("| commits | commit-graph | floor | dry run | into outbox | re-run | "
            "peak RSS vs git's |")
    run.say("|---:|---|---|---|---|---|---|")
    for commits, label, r in rows:
        floor = r["floor"][0]
        rss = max(r["dry"][1], r["outbox"][1], r["rerun"][1])
        run.say("| {:,} | {} | {:.2f} s | {:.2f} s {:.2f}x (<= {}) | {:.2f} s {:.2f}x (<= 2) | "
                "{:.2f} s {:.2f}x (<= 1.5) | {:,.0f} vs {:,.0f} MiB {:.2f}x (<= 2) |".format(
                    commits, label, floor, r["dry"][0], r["dry"][0] / floor,
                    dry_run_target(commits), r["outbox"][0], r["outbox"][0] / floor,
                    r["rerun"][0], r["rerun"][0] / floor, rss, r["floor"][1],
                    rss / r["floor"][1]))
    growth(rows)


def growth(rows):
    sizes = sorted({commits for commits, _, _ in rows})
    if len(sizes) < 2:
        return
    small, large = sizes[0], sizes[-1]
    by = {(commits, label): r for commits, label, r in rows}
    run.say("")
    run.say("growth from {:,} to {:,} commits ({:.0f}x the commits), pulse-agent vs git "
            "(target: no worse than git's):".format(small, large, large / small))
    for label, _ in STATES:
        if (small, label) not in by or (large, label) not in by:
            continue
        a, b = by[(small, label)], by[(large, label)]
        parts = []
        for name, title in [("dry", "dry run"), ("outbox", "into outbox"), ("rerun", "re-run")]:
            parts.append("%s %.2fx" % (title, b[name][0] / a[name][0]))
        rss_a = max(a["dry"][1], a["outbox"][1], a["rerun"][1])
        rss_b = max(b["dry"][1], b["outbox"][1], b["rerun"][1])
        run.say("  commit-graph %-3s: git %.2fx time, %.2fx RSS; pulse-agent %s; RSS %.2fx"
                % (label, b["floor"][0] / a["floor"][0], b["floor"][1] / a["floor"][1],
                   ", ".join(parts), rss_b / rss_a))
