#!/bin/sh
# Benchmark of `pulse-agent watch` on 1,000 mirrors that do not change:
#  - the CPU time of one poll cycle, against one `git for-each-ref` per
#    repository (targets: at most 1 s, and at least 5x less);
#  - then one new release tag in one of them: the time until its deployment
#    reaches a loopback Pulse API (target: at most one poll interval + 1 s).
# Usage: bench/watch.sh [BUILD_DIR]   (default: build)
# Tuning: PULSE_BENCH_MIRRORS (1000), PULSE_BENCH_INTERVAL (seconds, 2),
#         PULSE_BENCH_KEEP=1 keeps the work folder.
set -eu
exec /usr/bin/python3 - "$(cd "$(dirname "$0")/.." && pwd)" "$@" <<'PYTHON'
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time

SOURCE = sys.argv[1]
BUILD = os.path.abspath(sys.argv[2] if len(sys.argv) > 2 else os.path.join(SOURCE, "build"))
AGENT = os.path.join(BUILD, "pulse-agent")
MIRRORS = int(os.environ.get("PULSE_BENCH_MIRRORS", "1000"))
INTERVAL = float(os.environ.get("PULSE_BENCH_INTERVAL", "2"))
TICK = os.sysconf("SC_CLK_TCK")
sys.path.insert(0, os.path.join(SOURCE, "tests", "e2e"))
from pulse_server import PulseServer  # noqa: E402


def git(*args, cwd=None):
    subprocess.run(["git"] + list(args), cwd=cwd, check=True, stdout=subprocess.DEVNULL)


def make_mirrors(work):
    """A small but typical mirror (branches, lightweight and annotated tags,
    packed and loose refs), copied MIRRORS times."""
    template = os.path.join(work, "template")
    git("init", "-q", "-b", "main", template)
    for i in range(30):
        git("commit", "-q", "--allow-empty", "-m", "c%d" % i, cwd=template)
    git("tag", "v1.0.0", "HEAD~20", cwd=template)
    git("tag", "-a", "-m", "r", "v1.1.0", "HEAD~12", cwd=template)
    git("tag", "-a", "-m", "r", "v1.2.0", "HEAD~6", cwd=template)
    git("tag", "v2.0.0-rc1", "HEAD~2", cwd=template)
    git("branch", "release/1.x", "HEAD~8", cwd=template)
    bare = os.path.join(work, "template.git")
    git("clone", "-q", "--bare", template, bare)
    git("gc", "-q", cwd=bare)
    git("branch", "topic", "HEAD~1", cwd=bare)  # one loose ref beside packed-refs
    shutil.rmtree(os.path.join(bare, "hooks"))
    mirrors = os.path.join(work, "mirrors")
    os.mkdir(mirrors)
    for i in range(MIRRORS):
        shutil.copytree(bare, os.path.join(mirrors, "m%04d.git" % i), symlinks=True)
    # Old enough that the daemon's change detection trusts their times at once.
    past = time.time() - 60
    for root, dirs, files in os.walk(mirrors):
        for name in dirs + files:
            os.utime(os.path.join(root, name), (past, past))
    return mirrors


def children_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def cpu_of(run):
    before = children_cpu()
    start = time.time()
    run()
    return children_cpu() - before, time.time() - start


def process_cpu(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def for_each_ref_baseline(repos):
    for repo in repos:
        subprocess.run(["git", "-C", repo, "for-each-ref"], check=True,
                       stdout=subprocess.DEVNULL)


def watch_once(env, pattern):
    result = subprocess.run([AGENT, "watch", "--once", "--repo", pattern], env=env,
                            stderr=subprocess.PIPE, text=True)
    if result.returncode != 0:
        sys.exit("watch --once failed:\n" + result.stderr)


def steady_cycle_cpu(daemon, seconds):
    """CPU per cycle of the running daemon over a window of whole cycles."""
    start_cpu, start = process_cpu(daemon.pid), time.time()
    time.sleep(seconds)
    return (process_cpu(daemon.pid) - start_cpu) / round((time.time() - start) / INTERVAL)


def tag_latency(server, repos, n):
    """Seconds from `git tag` in one mirror to its deployment at the server."""
    repo = random.choice(repos)
    tag = "v9.%d.0" % n
    count = len(server.delivered)
    start = time.time()
    git("tag", tag, "main", cwd=repo)
    deadline = start + 5 * INTERVAL + 10
    while time.time() < deadline:
        for request in server.delivered[count:]:
            if request.json.get("deploy_id") == tag:
                return request.time - start
        time.sleep(0.01)
    sys.exit("the deployment of %s never arrived" % tag)


def verdict(ok):
    return "ok" if ok else "MISSED"


def main():
    if not os.access(AGENT, os.X_OK):
        sys.exit("no pulse-agent at %s (usage: bench/watch.sh [BUILD_DIR])" % AGENT)
    work = tempfile.mkdtemp(prefix="pulse-bench-watch-")
    server = PulseServer().start()
    daemon = None
    try:
        started = time.time()
        mirrors = make_mirrors(work)
        repos = sorted(os.path.join(mirrors, name) for name in os.listdir(mirrors))
        pattern = os.path.join(mirrors, "*.git")
        print("%d mirrors made in %.1f s (%s)" % (MIRRORS, time.time() - started, work))
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": work,
               "PULSE_CONFIG": "/dev/null", "PULSE_OUTBOX": os.path.join(work, "outbox.db"),
               "PULSE_API_KEY": "bench-key", "PULSE_BASE_URL": server.url}

        baseline, _ = cpu_of(lambda: for_each_ref_baseline(repos))
        _, first_wall = cpu_of(lambda: watch_once(env, pattern))
        cold, cold_wall = cpu_of(lambda: watch_once(env, pattern))
        daemon = subprocess.Popen([AGENT, "watch", "--repo", pattern, "--interval", str(INTERVAL)],
                                  env=env, stderr=open(os.path.join(work, "watch.log"), "w"))
        time.sleep(INTERVAL * 1.5)  # past the first cycle, which reads every repository
        steady = steady_cycle_cpu(daemon, max(10.0, 5 * INTERVAL))
        latencies = [tag_latency(server, repos, n) for n in range(3)]

        print("\nbaseline: git for-each-ref in each of %d repositories: %.3f s CPU"
              % (MIRRORS, baseline))
        print("first sight of %d mirrors (one-off, baselines recorded): %.1f s wall"
              % (MIRRORS, first_wall))
        print("watch --once, a new process (start-up and full ref reads): %.3f s CPU, "
              "%.2f s wall, %.1fx less than the baseline" % (cold, cold_wall, baseline / cold))
        print("poll cycle of the running daemon (interval %g s): %.3f s CPU, %.1fx less than "
              "the baseline" % (INTERVAL, steady, baseline / steady))
        print("  target <= 1 s CPU per cycle: %s; target >= 5x less: %s"
              % (verdict(steady <= 1.0), verdict(baseline / steady >= 5)))
        print("new tag in 1 of %d mirrors to its deployment at the API: %s s (max %.2f s)"
              % (MIRRORS, ", ".join("%.2f" % s for s in latencies), max(latencies)))
        print("  target <= interval + 1 s = %.1f s: %s"
              % (INTERVAL + 1, verdict(max(latencies) <= INTERVAL + 1)))
    finally:
        if daemon:
            daemon.terminate()
            daemon.wait(timeout=15)
        server.stop()
        if os.environ.get("PULSE_BENCH_KEEP") != "1":
            shutil.rmtree(work, ignore_errors=True)


main()
PYTHON
