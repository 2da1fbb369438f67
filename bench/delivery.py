#!/usr/bin/python3
"""Benchmark of delivery: how fast `pulse-agent flush` empties an outbox into
a loopback Pulse API, against one `curl` process per event (how the Go CLI is
used today), and how long one `pulse-agent push change` takes end to end.

Usage: bench/delivery.sh [BUILD_DIR]   (default: build)
Environment: PULSE_BENCH_EVENTS (10000), PULSE_BENCH_BASELINE (1000),
PULSE_BENCH_PUSHES (50), PULSE_BENCH_KEEP=1 keeps the work folder.

The events are queued the honest way, with one `pulse-agent push change` per
event and no API key (so nothing is delivered yet); that part is not timed
into the delivery figure but its own rate is printed. The server is
tests/e2e/pulse_server.py in a process of its own; its own ceiling (one
keep-alive client sending as fast as it can) is printed too, because when
delivery comes close to it the figure measures the server, not pulse-agent.
"""

import concurrent.futures
import json
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
import urllib.request

SOURCE = pathlib.Path(__file__).resolve().parents[1]
KEY = "bench-key-0c1d2e3f"
TIMESTAMP = "1700000000"
VERSION = "0.0.0"  # the agent's, read by main()


def settings():
    build = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else SOURCE / "build")
    agent = build / "pulse-agent"
    if not os.access(agent, os.X_OK):
        sys.exit("bench: no pulse-agent in %s (build it first)" % build)
    return {"agent": str(agent),
            "events": int(os.environ.get("PULSE_BENCH_EVENTS", 10000)),
            "baseline": int(os.environ.get("PULSE_BENCH_BASELINE", 1000)),
            "pushes": int(os.environ.get("PULSE_BENCH_PUSHES", 50))}


class Server:
    """tests/e2e/pulse_server.py in its own process."""

    def __init__(self):
        self.process = subprocess.Popen(
            ["/usr/bin/python3", str(SOURCE / "tests/e2e/pulse_server.py")],
            stdout=subprocess.PIPE, text=True)
        self.port = int(self.process.stdout.readline().split()[1])
        self.url = "http://127.0.0.1:%d" % self.port

    def count(self):
        with urllib.request.urlopen(self.url + "/_control/count") as answer:
            return int(answer.read())

    def reset(self):
        request = urllib.request.Request(self.url + "/_control/reset", data=b"", method="POST")
        urllib.request.urlopen(request).read()

    def stop(self):
        self.process.terminate()
        self.process.wait()


def agent_env(work, server=None, key=True):
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(work),
           "PULSE_CONFIG": str(work / "empty.yaml"), "PULSE_OUTBOX": str(work / "outbox.db")}
    if server:
        env["PULSE_BASE_URL"] = server.url
    if key:
        env["PULSE_API_KEY"] = KEY
    return env


def push(agent, env, change_id):
    return subprocess.run([agent, "push", "change", "--identifier", change_id,
                           "--timestamp", TIMESTAMP], env=env, capture_output=True).returncode


def queue_events(agent, work, count):
    """Queue `count` events with one push process each, two at a time."""
    env = agent_env(work, key=False)
    ids = ["%040x" % i for i in range(count)]
    started = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        codes = list(pool.map(lambda change_id: push(agent, env, change_id), ids))
    elapsed = time.perf_counter() - started
    assert set(codes) == {3}, "queueing failed: exit codes %s" % sorted(set(codes))
    return count / elapsed


def time_flush(agent, work, server, count):
    env = agent_env(work, server)
    started = time.perf_counter()
    result = subprocess.run([agent, "flush"], env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    assert result.returncode == 0, result.stderr
    assert server.count() == count, "server saw %d of %d" % (server.count(), count)
    return count / elapsed


def body_of(change_id):
    """The body pulse-agent sends for a change queued by queue_events()."""
    return ('{"source":"cli","change_id":"%s","time_created":"2023-11-14T22:13:20Z",'
            '"event_type":"commit","$type":"change"}' % change_id)


def curl_command(server, change_id):
    """One curl process sending one event as pulse-agent would."""
    body = body_of(change_id)
    return ["curl", "-sS", "-o", "/dev/null", "-X", "POST",
            "-H", "Content-Type: application/json", "-H", "Environment: _unknown_",
            "-H", "CLI-Version: " + VERSION, "--data-binary", body,
            server.url + "/v1/ingestion/cli?api_key=" + KEY]


def time_curl_per_event(server, count):
    started = time.perf_counter()
    for i in range(count):
        subprocess.run(curl_command(server, "%040x" % i), check=True)
    return count / (time.perf_counter() - started)


def time_server_ceiling(server, count):
    """A minimal client (raw socket, one kept-alive connection, no parsing
    beyond Content-Length) sending `count` requests back to back: how fast
    the server alone can go."""
    body = body_of("0" * 40).encode()
    request = (b"POST /v1/ingestion/cli?api_key=%s HTTP/1.1\r\nHost: 127.0.0.1\r\n"
               b"Content-Type: application/json\r\nEnvironment: _unknown_\r\n"
               b"CLI-Version: %s\r\nContent-Length: %d\r\n\r\n%s"
               % (KEY.encode(), VERSION.encode(), len(body), body))
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


def median_ms(command_for, runs):
    """Median wall time and median CPU time (user + system) of a command, in ms."""
    walls, cpus = [], []
    for i in range(runs):
        command, env = command_for(i)
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        subprocess.run(command, env=env, capture_output=True, check=True)
        walls.append(time.perf_counter() - started)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(walls) * 1000, statistics.median(cpus) * 1000


def time_push(agent, work, server, runs):
    env = agent_env(work, server)
    env["PULSE_OUTBOX"] = str(work / "push.db")
    return median_ms(lambda i: ([agent, "push", "change", "--identifier", "push-%d" % i,
                                 "--timestamp", TIMESTAMP], env), runs)


def verdict(value, target, higher_is_better=True):
    ok = value >= target if higher_is_better else value <= target
    return "ok" if ok else "MISSED"


def main():
    global VERSION
    s = settings()
    VERSION = subprocess.run([s["agent"], "version"], capture_output=True, text=True,
                             check=True).stdout.split()[1]
    work = pathlib.Path(tempfile.mkdtemp(prefix="pulse-bench-"))
    (work / "empty.yaml").write_text("")
    load_before = os.getloadavg()[0]
    server = Server()
    try:
        print("pulse-agent delivery benchmark (%d CPUs, work folder %s)" % (os.cpu_count(), work))
        print("queueing %d events (one push process each, no key) ..." % s["events"], flush=True)
        queue_rate = queue_events(s["agent"], work, s["events"])
        print("  queued at %.0f pushes/s" % queue_rate)
        flush_rate = time_flush(s["agent"], work, server, s["events"])
        server.reset()
        curl_rate = time_curl_per_event(server, s["baseline"])
        server.reset()
        ceiling = time_server_ceiling(server, s["events"])
        server.reset()
        push_ms = time_push(s["agent"], work, server, s["pushes"])
        version_ms = median_ms(lambda i: ([s["agent"], "version"], None), s["pushes"])
        curl_ms = median_ms(lambda i: (curl_command(server, "%040x" % i), None), s["pushes"])
    finally:
        server.stop()
    ratio = flush_rate / curl_rate
    print("delivery, pulse-agent flush:      %8.0f events/s  (%d events)  target >= 1000: %s"
          % (flush_rate, s["events"], verdict(flush_rate, 1000)))
    print("baseline, one curl per event:     %8.0f events/s  (%d events)"
          % (curl_rate, s["baseline"]))
    print("ratio flush / baseline:           %8.1fx          target >= 20x: %s"
          % (ratio, verdict(ratio, 20)))
    print("server ceiling, minimal keep-alive client: %6.0f requests/s (flush reaches %.0f%%)"
          % (ceiling, 100 * flush_rate / ceiling))
    print("push change end to end, median:  %8.1f ms  (%d runs)  target <= 20 ms: %s"
          % (push_ms[0], s["pushes"], verdict(push_ms[0], 20, higher_is_better=False)))
    print("  CPU of one push %.1f ms; for scale, medians wall/CPU: pulse-agent version %.1f/%.1f"
          " ms, one curl request %.1f/%.1f ms" % ((push_ms[1],) + version_ms + curl_ms))
    print("  load average before/after: %.1f / %.1f on %d CPUs (others' work slows every figure)"
          % (load_before, os.getloadavg()[0], os.cpu_count()))
    if os.environ.get("PULSE_BENCH_KEEP") != "1":
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
