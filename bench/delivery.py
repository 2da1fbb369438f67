#!/usr/bin/python3
"""Benchmark of delivery: how fast `pulse-agent flush` empties an outbox into
a Pulse API that answers at once (loopback), that holds each answer 50 ms (a
WAN round trip), and that also caps how many requests it serves at once (429
with Retry-After: 1 beyond 16), each against one request at a time
(`delivery.concurrency: 1`, how pulse-agent delivered before) and against one
`curl` process per event (how the Go CLI is used today); how long one
`pulse-agent push change` takes end to end; and the peak memory of flushing
a million queued events.

Usage: bench/delivery.sh [BUILD_DIR]   (default: build)
Environment: PULSE_BENCH_EVENTS (10000), PULSE_BENCH_BASELINE (1000),
PULSE_BENCH_SERIAL (200 events for the one-at-a-time runs at 50 ms),
PULSE_BENCH_DELAY_MS (50), PULSE_BENCH_CAP (16), PULSE_BENCH_BIG (1000000; 0
skips the memory run), PULSE_BENCH_PUSHES (50), PULSE_BENCH_KEEP=1 keeps the
work folder.

The events are queued by the product in one process: a generated repository
with one commit per event and `pulse-agent backfill --strategy none` with no
API key, so every change waits in the outbox; only `flush` is timed. The
server is tests/e2e/pulse_server.py in a process of its own. Its ceiling (a
minimal keep-alive client sending as fast as it can) is printed too: when
flush comes close to it, the figure measures the server, not pulse-agent.
Process start-up and a busy machine weigh on the per-process figures, so
push, `pulse-agent version` and one curl request are timed in turns and the
load average is printed.
"""

import os
import pathlib
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import json
import urllib.request

SOURCE = pathlib.Path(__file__).resolve().parents[1]
KEY = "bench-key-0c1d2e3f"
SYSTEM = "bench"


def settings():
    build = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else SOURCE / "build")
    agent = build / "pulse-agent"
    if not os.access(agent, os.X_OK):
        sys.exit("bench: no pulse-agent in %s (build it first)" % build)
    version = subprocess.run([str(agent), "version"], capture_output=True, text=True,
                             check=True).stdout.split()[1]
    return {"agent": str(agent), "version": version,
            "events": int(os.environ.get("PULSE_BENCH_EVENTS", 10000)),
            "baseline": int(os.environ.get("PULSE_BENCH_BASELINE", 1000)),
            "serial": int(os.environ.get("PULSE_BENCH_SERIAL", 200)),
            "delay": int(os.environ.get("PULSE_BENCH_DELAY_MS", 50)),
            "cap": int(os.environ.get("PULSE_BENCH_CAP", 16)),
            "big": int(os.environ.get("PULSE_BENCH_BIG", 1000000)),
            "pushes": int(os.environ.get("PULSE_BENCH_PUSHES", 50))}


class Server:
    """tests/e2e/pulse_server.py in its own process."""

    def __init__(self, *args, script="tests/e2e/pulse_server.py"):
        self.process = subprocess.Popen(
            ["/usr/bin/python3", str(SOURCE / script)] + list(args),
            stdout=subprocess.PIPE, text=True)
        self.port = int(self.process.stdout.readline().split()[1])
        self.url = "http://127.0.0.1:%d" % self.port

    def count(self):
        with urllib.request.urlopen(self.url + "/_control/count") as answer:
            return int(answer.read())

    def requests(self):
        with urllib.request.urlopen(self.url + "/_control/requests") as answer:
            return json.loads(answer.read())

    def reset(self):
        request = urllib.request.Request(self.url + "/_control/reset", data=b"", method="POST")
        urllib.request.urlopen(request).read()

    def stop(self):
        self.process.terminate()
        self.process.wait()


def agent_env(work, server=None, key=True, outbox="outbox.db", config="empty.yaml"):
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(work),
           "PULSE_CONFIG": str(work / config), "PULSE_OUTBOX": str(work / outbox)}
    if server:
        env["PULSE_BASE_URL"] = server.url
    if key:
        env["PULSE_API_KEY"] = KEY
    return env


def make_repository(path, commits):
    """A bare repository whose main branch is a line of `commits` commits."""
    if path.exists():
        return
    subprocess.run(["git", "init", "-q", "--bare", str(path)], check=True)
    importer = subprocess.Popen(["git", "-C", str(path), "fast-import", "--quiet"],
                                stdin=subprocess.PIPE)
    for start in range(1, commits + 1, 10000):
        lines = []
        for i in range(start, min(commits, start + 9999) + 1):
            message = "change %d\n" % i
            lines.append("commit refs/heads/main\nmark :%d\n"
                         "committer Bench <bench@example.com> %d +0000\ndata %d\n%s"
                         % (i, 1600000000 + 60 * i, len(message), message))
            if i > 1:
                lines.append("from :%d\n" % (i - 1))
            lines.append("\n")
        importer.stdin.write("".join(lines).encode())
    importer.stdin.close()
    assert importer.wait() == 0


def queue_events(agent, work, count, outbox="outbox.db"):
    """Queue one change per commit of a generated repository; return events/s."""
    repo = work / ("repo-%d.git" % count)
    make_repository(repo, count)
    started = time.perf_counter()
    result = subprocess.run([agent, "backfill", "--repo", str(repo),
                             "--strategy", "none", "--system", SYSTEM],
                            env=agent_env(work, key=False, outbox=outbox),
                            capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    assert result.returncode == 3, result.stderr  # queued, no key to deliver with
    assert "%d new" % count in result.stderr, result.stderr
    return count / elapsed


def time_flush(agent, work, server, count, outbox="outbox.db", config="empty.yaml",
               exact=True):
    """Flush a queued outbox; return events/s and the flush's peak RSS in MiB.
    The server must have seen `count` requests (at least, when not `exact`:
    a capped server's 429s come on top)."""
    env = agent_env(work, server, outbox=outbox, config=config)
    started = time.perf_counter()
    flush = subprocess.Popen([agent, "flush"], env=env, stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE)
    _, status, usage = os.wait4(flush.pid, 0)
    elapsed = time.perf_counter() - started
    stderr = flush.stderr.read().decode()
    flush.returncode = os.waitstatus_to_exitcode(status)
    assert flush.returncode == 0, stderr
    seen = server.count()
    assert seen == count or (not exact and seen > count), "server saw %d of %d" % (seen, count)
    return count / elapsed, usage.ru_maxrss / 1024


def latency_runs(s, work):
    """Flushes against a server holding each answer `delay` ms: one request at
    a time (a sample), concurrent, and concurrent against a capped server."""
    figures = {}
    server = Server("--delay-ms", str(s["delay"]))
    try:
        queue_events(s["agent"], work, s["serial"], outbox="serial.db")
        figures["serial"], _ = time_flush(s["agent"], work, server, s["serial"], "serial.db",
                                          "serial.yaml")
        print("  at %d ms: one at a time %.1f events/s" % (s["delay"], figures["serial"]),
              flush=True)
        server.reset()
        queue_events(s["agent"], work, s["events"], outbox="latency.db")
        figures["latency"], _ = time_flush(s["agent"], work, server, s["events"], "latency.db")
        print("  at %d ms: flush %.0f events/s" % (s["delay"], figures["latency"]), flush=True)
    finally:
        server.stop()
    server = Server("--delay-ms", str(s["delay"]), "--max-concurrent", str(s["cap"]))
    try:
        queue_events(s["agent"], work, s["events"], outbox="capped.db")
        started = time.time()
        figures["capped"], _ = time_flush(s["agent"], work, server, s["events"], "capped.db",
                                          exact=False)
        figures["capped_log"] = server.requests()
        figures["capped_start"] = started
    finally:
        server.stop()
    return figures


def capped_figures(log, events):
    """The 429 share after the first second, and whether every event arrived once."""
    first = min(r["time"] for r in log)
    later = [r for r in log if r["time"] >= first + 1]
    throttled = sum(r["status"] == 429 for r in later)
    delivered = [json.loads(r["body"])["change_id"] for r in log if r["status"] == 200]
    once = len(delivered) == events and len(set(delivered)) == events
    return throttled / max(1, len(later)), sum(r["status"] == 429 for r in log), once


def memory_run(s, work):
    """Peak RSS of flushing `big` queued events to a server that answers at once."""
    queue_events(s["agent"], work, s["big"], outbox="big.db")
    sink = Server(script="bench/http_sink.py")
    try:
        sink.count = lambda: int(urllib.request.urlopen(sink.url + "/count").read())
        return time_flush(s["agent"], work, sink, s["big"], "big.db")
    finally:
        sink.stop()


def body_of(change_id):
    """A change body as pulse-agent sends it."""
    return ('{"source":"cli","change_id":"%s","time_created":"2023-11-14T22:13:20Z",'
            '"event_type":"commit","$type":"change"}' % change_id)


def curl_command(s, server, change_id):
    """One curl process sending one event as pulse-agent would."""
    return ["curl", "-sS", "-o", "/dev/null", "-X", "POST",
            "-H", "Content-Type: application/json", "-H", "Environment: _unknown_",
            "-H", "CLI-Version: " + s["version"], "--data-binary", body_of(change_id),
            "%s/v1/ingestion/cli?api_key=%s&system=%s" % (server.url, KEY, SYSTEM)]


def time_curl_per_event(s, server, count):
    started = time.perf_counter()
    for i in range(count):
        subprocess.run(curl_command(s, server, "%040x" % i), check=True)
    return count / (time.perf_counter() - started)


def time_server_ceiling(s, server, count):
    """A minimal client (raw socket, one kept-alive connection, no parsing
    beyond Content-Length) sending `count` requests back to back."""
    body = body_of("0" * 40).encode()
    request = (b"POST /v1/ingestion/cli?api_key=%s HTTP/1.1\r\nHost: 127.0.0.1\r\n"
               b"Content-Type: application/json\r\nEnvironment: _unknown_\r\n"
               b"CLI-Version: %s\r\nContent-Length: %d\r\n\r\n%s"
               % (KEY.encode(), s["version"].encode(), len(body), body))
    with socket.create_connection(("127.0.0.1", server.port)) as connection:
        connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        answers = connection.makefile("rb")
        started = time.perf_counter()
        for _ in range(count):
            connection.sendall(request)
            length = 0
            for line in iter(answers.readline, b"\r\n"):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            answers.read(length)
        return count / (time.perf_counter() - started)


def timed(command, env):
    """Wall and CPU (user + system) seconds of one run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(command, env=env, capture_output=True, check=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime


def time_processes(s, work, server):
    """Median wall and CPU ms of a push, `version` and one curl request, run in turns."""
    env = agent_env(work, server, outbox="push.db")
    runs = {"push": [], "version": [], "curl": []}
    for i in range(s["pushes"]):
        runs["push"].append(timed([s["agent"], "push", "change", "--identifier", "push-%d" % i,
                                   "--timestamp", "1700000000"], env))
        runs["version"].append(timed([s["agent"], "version"], None))
        runs["curl"].append(timed(curl_command(s, server, "%040x" % i), None))
    return {name: (statistics.median(w for w, _ in times) * 1000,
                   statistics.median(c for _, c in times) * 1000)
            for name, times in runs.items()}


def verdict(value, target, higher_is_better=True):
    ok = value >= target if higher_is_better else value <= target
    return "ok" if ok else "MISSED"


def report(s, figures, load_before):
    flush, curl, ceiling, processes = (figures["flush"], figures["curl"], figures["ceiling"],
                                       figures["processes"])
    ratio = flush / curl
    push_wall = processes["push"][0]
    capacity = s["cap"] * 1000 / s["delay"]
    share_429, total_429, once = capped_figures(figures["capped_log"], s["events"])
    print("queue (backfill, one process):    %8.0f events/s" % figures["queue"])
    print("-- answers held %d ms (a WAN round trip)" % s["delay"])
    print("one request at a time:            %8.1f events/s  (%d events, delivery.concurrency: 1)"
          % (figures["serial"], s["serial"]))
    print("pulse-agent flush:                %8.0f events/s  (%d events)  target >= 1000: %s"
          % (figures["latency"], s["events"], verdict(figures["latency"], 1000)))
    print("ratio against one at a time:      %8.1fx" % (figures["latency"] / figures["serial"]))
    print("-- the same, server capped at %d in service (capacity %.0f events/s)"
          % (s["cap"], capacity))
    print("pulse-agent flush:                %8.0f events/s  = %.0f%% of capacity  "
          "target >= 70%%: %s" % (figures["capped"], 100 * figures["capped"] / capacity,
                                  verdict(figures["capped"] / capacity, 0.7)))
    print("429 answers after the first second:%7.1f%%  (%d in all)  target < 5%%: %s"
          % (100 * share_429, total_429, verdict(share_429, 0.05, higher_is_better=False)))
    print("every event arrived exactly once: %8s" % ("yes" if once else "NO"))
    print("-- loopback, answers at once")
    print("pulse-agent flush:                %8.0f events/s  (%d events)" % (flush, s["events"]))
    print("one request at a time:            %8.0f events/s  ratio %.2fx  target >= 1: %s"
          % (figures["flush_serial"], flush / figures["flush_serial"],
             verdict(flush / figures["flush_serial"], 1)))
    print("baseline, one curl per event:     %8.0f events/s  (%d events)  ratio %.1fx"
          % (curl, s["baseline"], ratio))
    print("server ceiling, keep-alive client:%8.0f requests/s (flush reaches %.0f%% of it)"
          % (ceiling, 100 * flush / ceiling))
    print("push change end to end, median:   %8.1f ms  (%d runs)  target <= 20 ms: %s"
          % (push_wall, s["pushes"], verdict(push_wall, 20, higher_is_better=False)))
    for name in ("push", "version", "curl"):
        print("  %-8s median wall %6.1f ms, CPU %5.1f ms" % ((name,) + processes[name]))
    if "big" in figures:
        rate, rss = figures["big"]
        print("-- memory")
        print("flush of %d queued events: peak RSS %.0f MiB  target < 100: %s  (%.0f events/s)"
              % (s["big"], rss, verdict(rss, 100, higher_is_better=False), rate))
    print("load average before/after: %.1f / %.1f on %d CPUs (a busy machine slows every figure)"
          % (load_before, os.getloadavg()[0], os.cpu_count()))


def main():
    s = settings()
    work = pathlib.Path(tempfile.mkdtemp(prefix="pulse-bench-"))
    (work / "empty.yaml").write_text("")
    (work / "serial.yaml").write_text("delivery:\n  concurrency: 1\n")
    load_before = os.getloadavg()[0]
    print("pulse-agent %s delivery benchmark, %d CPUs, work folder %s"
          % (s["version"], os.cpu_count(), work), flush=True)
    figures = latency_runs(s, work)
    server = Server()
    try:
        figures["queue"] = queue_events(s["agent"], work, s["events"])
        figures["flush"], _ = time_flush(s["agent"], work, server, s["events"])
        server.reset()
        queue_events(s["agent"], work, s["events"], outbox="loopback-serial.db")
        figures["flush_serial"], _ = time_flush(s["agent"], work, server, s["events"],
                                                "loopback-serial.db", "serial.yaml")
        server.reset()
        figures["curl"] = time_curl_per_event(s, server, s["baseline"])
        server.reset()
        figures["ceiling"] = time_server_ceiling(s, server, s["events"])
        server.reset()
        figures["processes"] = time_processes(s, work, server)
    finally:
        server.stop()
    if s["big"]:
        figures["big"] = memory_run(s, work)
    report(s, figures, load_before)
    if os.environ.get("PULSE_BENCH_KEEP") != "1":
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
