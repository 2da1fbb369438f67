#!/usr/bin/env python3
"""Benchmark of `pulse-agent backfill`, run by bench/backfill.sh [BUILD_DIR].

Builds pulse-agent (cmake, Release unless BUILD_DIR is configured already),
generates a repository with bench/backfill/make_repo.py | git fast-import
(cached in BUILD_DIR/bench-backfill, remade when the generator changes),
repacks it as `git gc` would, then for three states of the repository - no
commit-graph, a commit-graph with generation data v1, and one with v2 (git's
default since 2.36, which libgit2 1.5 cannot read) - measures side by side:

  floor     git rev-list --branches --tags | wc -l
  dry-run   pulse-agent backfill --dry-run > /dev/null       target <= 1.5x floor
  outbox    pulse-agent backfill into a fresh outbox          target <= 3x floor
  per-tag   one git rev-list TAG --not EARLIER... per release (ratio to dry-run)

and, on a second repository made by the same generator with BENCH_REVERTS
main-line work commits turned into git reverts of earlier ones (cached in
BUILD_DIR/bench-backfill-reverts; the generator computes the ids a revert
names, checked against git's after the import), interleaved:

  grep floor  git log --branches --tags --grep='This reverts commit' --format=%H
  incidents   pulse-agent backfill --dry-run --incidents reverts    target <= 1.5x grep floor
  plain       pulse-agent backfill --dry-run, on each repository: without
              --incidents no message is read, so the reverts cost nothing

Times are the best wall-clock of BENCH_RUNS runs (default 3; per-tag runs
once); RSS is the peak resident memory of the measured process (target
<= 150 MB). Environment: BENCH_COMMITS (100000), BENCH_RELEASES (500),
BENCH_REVERTS (300), BENCH_RUNS (3), BENCH_SKIP_PER_TAG=1 to skip the slow
per-tag baseline.

Then the same at kernel and monorepo scale (bench/backfill/scale.py): 1M and
5M commits by default (BENCH_SCALE_SIZES; empty to skip), generated once and
cached in ~/.cache/pulse-agent-bench; BENCH_SCALE_ONLY=1 runs only that part.
"""

import hashlib
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = pathlib.Path(__file__).resolve().parent
SOURCE = HERE.parents[1]
RELEASE = re.compile(r"^v?(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(\+[0-9A-Za-z.-]+)?$")
COMMITS = int(os.environ.get("BENCH_COMMITS", "100000"))
RELEASES = int(os.environ.get("BENCH_RELEASES", "500"))
RUNS = int(os.environ.get("BENCH_RUNS", "3"))
REVERTS = int(os.environ.get("BENCH_REVERTS", "300"))


def say(text):
    print(text, flush=True)


def build(build_dir):
    if not (build_dir / "CMakeCache.txt").exists():
        subprocess.run(["cmake", "-S", str(SOURCE), "-B", str(build_dir),
                        "-DCMAKE_BUILD_TYPE=Release"], check=True, stdout=subprocess.DEVNULL)
    subprocess.run(["cmake", "--build", str(build_dir), "--target", "pulse-agent", "-j2"],
                   check=True, stdout=subprocess.DEVNULL)
    return build_dir / "pulse-agent"


def git(repo, *args, **kwargs):
    return subprocess.run(["git", "-C", str(repo)] + list(args), check=True,
                          capture_output=True, text=True, **kwargs).stdout


def make_repository(cache, reverts=0, commits=COMMITS, releases=RELEASES):
    """Return the generated repository cached in `cache`, made first if missing or stale."""
    generator = (HERE / "make_repo.py").read_bytes()
    stamp = hashlib.sha256(generator + b"%d %d %d" % (commits, releases, reverts)).hexdigest()
    repo = cache / "repo.git"
    if (cache / "stamp").exists() and (cache / "stamp").read_text() == stamp:
        return repo
    say("making the repository of %d commits%s (git fast-import, then repack as gc would) ..."
        % (commits, " with %d reverts" % reverts if reverts else ""))
    shutil.rmtree(cache, ignore_errors=True)
    cache.mkdir(parents=True)
    git(cache, "init", "-q", "--bare", str(repo))
    command = [sys.executable, str(HERE / "make_repo.py"), "--commits", str(commits),
               "--releases", str(releases)]
    marks = []
    if reverts:
        command += ["--reverts", str(reverts), "--export-ids", str(cache / "computed-ids")]
        marks = ["--export-marks=" + str(cache / "marks")]
    make = subprocess.Popen(command, stdout=subprocess.PIPE)
    subprocess.run(["git", "-C", str(repo), "fast-import", "--quiet"] + marks, stdin=make.stdout,
                   check=True)
    make.stdout.close()
    if make.wait() != 0:
        raise SystemExit("make_repo.py failed")
    if reverts:
        check_ids(repo, cache / "computed-ids", cache / "marks")
    git(repo, "-c", "gc.writeCommitGraph=false", "repack", "-a", "-d", "-q")
    (cache / "stamp").write_text(stamp)
    return repo


def read_marks(path):
    """Return {mark: commit id} from a file of ":MARK ID" lines."""
    rows = [line.split() for line in path.read_text().splitlines()]
    return {mark: object_id for mark, object_id in rows}


def check_ids(repo, computed_path, marks_path):
    """Fail unless the generator's ids are git's: the revert lines name them."""
    computed, made = read_marks(computed_path), read_marks(marks_path)
    wrong = sorted((m for m in made if computed.get(m) != made[m]), key=lambda m: int(m[1:]))
    if wrong or len(computed) != len(made):
        raise SystemExit("make_repo.py computed commit ids that git did not make: %d of %d "
                         "differ, first %s: computed %s, git %s" % (
                             len(wrong), len(made), wrong[0] if wrong else "-",
                             computed.get(wrong[0]) if wrong else "-",
                             made[wrong[0]] if wrong else "-"))
    # And as any reader of the repository resolves them (too many for rev-parse's arguments).
    ids = sorted(computed.values())
    found = git(repo, "cat-file", "--batch-check=%(objectname) %(objecttype)",
                input="".join(i + "\n" for i in ids)).splitlines()
    if found != ["%s commit" % i for i in ids]:
        raise SystemExit("git cat-file does not find every computed commit id as a commit")


def set_commit_graph(repo, version):
    info = repo / "objects" / "info"
    for path in [info / "commit-graph", info / "commit-graphs"]:
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()
    if version:
        git(repo, "-c", "commitGraph.generationVersion=%d" % version, "commit-graph", "write",
            "--reachable")


def measure(command, env=None, stdout=subprocess.DEVNULL, count_lines=False):
    """Run once; return (wall seconds, peak RSS in MB of the main process, exit code)."""
    start = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE if count_lines else stdout,
                               stderr=subprocess.PIPE)
    counter = None
    if count_lines:
        counter = subprocess.Popen(["wc", "-l"], stdin=process.stdout, stdout=subprocess.DEVNULL)
        process.stdout.close()
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if counter:
        counter.wait()
    process.stderr.read()
    process.stderr.close()
    return time.perf_counter() - start, usage.ru_maxrss / 1024.0, process.returncode


def best(command, runs=RUNS, prepare=None, **kwargs):
    results = []
    for _ in range(runs):
        if prepare:
            prepare()
        results.append(measure(command, **kwargs))
    return min(r[0] for r in results), max(r[1] for r in results), results[-1][2]


def interleaved(commands, runs=RUNS):
    """Run each command in turn, `runs` rounds; return (best seconds, peak RSS MB, exit) each.

    Rounds, not one command's runs back to back, so that a change of the
    machine's load falls on every side of a ratio alike."""
    results = [[] for _ in commands]
    for _ in range(runs):
        for i, (command, kwargs) in enumerate(commands):
            results[i].append(measure(command, **kwargs))
    return [(min(r[0] for r in rs), max(r[1] for r in rs), rs[-1][2]) for rs in results]


def release_order(repo):
    """Release tags by (tag time, name): the spec's order (SemVer ties aside)."""
    out = git(repo, "for-each-ref", "--sort=creatordate", "--sort=refname",
              "--format=%(creatordate:unix) %(refname:short)", "refs/tags")
    rows = [line.split(" ", 1) for line in out.splitlines()]
    rows = [(int(t), name) for t, name in rows if RELEASE.match(name)]
    return [name for _, name in sorted(rows)]


def per_tag(repo, tags):
    start = time.perf_counter()
    earlier = []
    for tag in tags:
        subprocess.run(["git", "-C", str(repo), "rev-list", "--stdin"],
                       input="".join([tag + "\n"] + ["^%s\n" % e for e in earlier]),
                       text=True, check=True, stdout=subprocess.DEVNULL)
        earlier.append(tag)
    return time.perf_counter() - start


def bench_state(agent, repo, env, scratch, tags):
    floor = best(["git", "-C", str(repo), "rev-list", "--branches", "--tags"], count_lines=True)
    dry = best([agent, "backfill", "--repo", str(repo), "--dry-run"], env=env)
    outbox = scratch / "outbox.db"

    def fresh_outbox():
        for suffix in ("", "-wal", "-shm"):
            pathlib.Path(str(outbox) + suffix).unlink(missing_ok=True)

    queued = best([agent, "backfill", "--repo", str(repo)], env=dict(env, PULSE_OUTBOX=str(outbox)),
                  prepare=fresh_outbox)
    tag_time = None if os.environ.get("BENCH_SKIP_PER_TAG") else per_tag(repo, tags)
    if dry[2] != 0 or queued[2] not in (0, 3):
        raise SystemExit("pulse-agent failed (exit %d / %d)" % (dry[2], queued[2]))
    return floor, dry, queued, tag_time


def bench_incidents(agent, repo, reverts_repo, env):
    """Time incident derivation against its floor, and the plain dry run on both repositories."""
    floor = ["git", "-C", str(reverts_repo), "log", "--branches", "--tags",
             "--grep=This reverts commit", "--format=%H"]
    dry = [agent, "backfill", "--dry-run", "--repo"]
    results = interleaved([(floor, {"count_lines": True}),
                           (dry + [str(reverts_repo), "--incidents", "reverts"], {"env": env}),
                           (dry + [str(reverts_repo)], {"env": env}),
                           (dry + [str(repo)], {"env": env})])
    if any(r[2] != 0 for r in results):
        raise SystemExit("incidents benchmark: a command failed (exits %s)"
                         % [r[2] for r in results])
    return results


def count_incidents(agent, reverts_repo, env):
    """Return (revert commits, incident events the dry run prints), untimed."""
    reverts = git(reverts_repo, "log", "--branches", "--tags", "--grep=This reverts commit",
                  "--format=%H").split()
    out = subprocess.run([agent, "backfill", "--dry-run", "--repo", str(reverts_repo),
                          "--incidents", "reverts"], env=env, check=True, capture_output=True,
                         text=True).stdout
    return len(reverts), out.count('"incident_id"')


def main():
    build_dir = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else SOURCE / "build").resolve()
    agent = str(build(build_dir))
    if os.environ.get("BENCH_SCALE_ONLY"):
        import scale
        scale.main(agent)
        return
    repo = make_repository(build_dir / "bench-backfill")
    reverts_repo = make_repository(build_dir / "bench-backfill-reverts", REVERTS)
    commits = int(git(repo, "rev-list", "--count", "--branches", "--tags"))
    tags = release_order(repo)
    scratch = pathlib.Path(tempfile.mkdtemp(prefix="pulse-bench-"))
    (scratch / "config.yaml").write_text("")
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(scratch),
           "PULSE_CONFIG": str(scratch / "config.yaml"), "PULSE_OUTBOX": str(scratch / "x.db")}
    say("pulse-agent backfill benchmark: %d commits, %d release tags, %d refs; %d CPUs, "
        "load %.2f; best of %d runs" % (commits, len(tags), len(git(repo, "show-ref").splitlines()),
                                        os.cpu_count(), os.getloadavg()[0], RUNS))
    rows, incident_rows = [], []
    for label, version in [("no commit-graph", 0), ("commit-graph v1", 1), ("commit-graph v2", 2)]:
        set_commit_graph(repo, version)
        set_commit_graph(reverts_repo, version)
        say("measuring: %s ..." % label)
        rows.append((label, bench_state(agent, repo, env, scratch, tags)))
        incident_rows.append((label, bench_incidents(agent, repo, reverts_repo, env)))
    set_commit_graph(repo, 0)
    set_commit_graph(reverts_repo, 0)
    found = count_incidents(agent, reverts_repo, env)
    shutil.rmtree(scratch, ignore_errors=True)
    report(rows)
    report_incidents(incident_rows, found, commits)
    if os.environ.get("BENCH_SCALE_SIZES", "x").strip():
        import scale
        scale.main(agent)


def report(rows):
    say("")
    say("%-16s %9s | %-22s %7s | %-22s %7s | %s" % ("repository", "floor", "dry-run (x floor)",
                                                    "RSS", "into outbox (x floor)", "RSS",
                                                    "per-tag rev-list (x dry-run)"))
    for label, (floor, dry, queued, tag_time) in rows:
        per_tag_text = "skipped" if tag_time is None else "%7.2fs (%5.1fx)" % (tag_time,
                                                                                tag_time / dry[0])
        say("%-16s %8.2fs | %7.2fs (%4.2fx <=1.5) %5.0fMB | %7.2fs (%4.2fx <=3.0) %5.0fMB | %s"
            % (label, floor[0], dry[0], dry[0] / floor[0], dry[1], queued[0],
               queued[0] / floor[0], queued[1], per_tag_text))
    say("")
    say("floor: git rev-list --branches --tags | wc -l; RSS target <= 150MB.")
    say("Fast path on mirrors: `git commit-graph write --reachable` (either generation")
    say("version; pulse-agent reads the file itself), or gc.writeCommitGraph=true.")


def report_incidents(rows, found, commits):
    say("")
    say("incidents from reverts: %d revert commits among the same %d commits; the dry run finds "
        "%d incidents" % (found[0], commits, found[1]))
    say("%-16s %10s | %-31s %7s | %-30s" % ("repository", "grep floor",
                                            "--incidents reverts (x floor)", "RSS",
                                            "plain dry-run (x no reverts)"))
    for label, (floor, incidents, plain_reverts, plain) in rows:
        say("%-16s %9.2fs | %7.2fs (%4.2fx <=1.5)          %5.0fMB | %7.2fs vs %5.2fs (%4.2fx)"
            % (label, floor[0], incidents[0], incidents[0] / floor[0], incidents[1],
               plain_reverts[0], plain[0], plain_reverts[0] / plain[0]))
    say("")
    say("grep floor: git log --branches --tags --grep='This reverts commit' --format=%H.")
    say("plain dry-run: backfill --dry-run without --incidents, on the repository with reverts")
    say("against the one without (same shape; only the reverts' messages differ): 1.00x but for")
    say("noise, since no commit message is read unless incidents are asked for.")


if __name__ == "__main__":
    main()
