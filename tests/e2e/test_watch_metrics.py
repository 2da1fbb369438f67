"""What an operator sees of a running daemon: the metrics it serves on
metrics.listen, checked against what happened (events queued and delivered,
a failing repository, an API answering 503), valid for promtool; /healthz
flipping to 503 when delivery has failed past health.failing_after and back
when the API recovers; the textfile written whole, every cycle."""

import os
import time

from conftest import free_port, run
from metrics_support import get, labels_of, parse, promtool_check, value
from test_watch_support import (INTERVAL, Watcher, commit, make_clone, make_mirror, push,
                                wait_until, watch_env)

FAILING_AFTER = 2


def monitored_daemon(agent, env, workdir, server, extra=""):
    """A daemon watching a good mirror and a broken one (an unknown
    pulse.strategy), serving metrics on a free port; returns the daemon, its
    environment, its base URL and a clone of the good mirror."""
    good = make_mirror(workdir, "shop")
    broken = make_mirror(workdir, "broken")
    with open(broken / "config", "a") as f:
        f.write("[pulse]\n\tstrategy = sometimes\n")
    port = free_port()
    yaml = ("metrics:\n  listen: 127.0.0.1:%d\n%s"
            "health:\n  failing_after: %d\n" % (port, extra, FAILING_AFTER))
    aimed = watch_env(env, workdir, server.url, watch_yaml=yaml)
    watcher = Watcher(agent, aimed, workdir,
                      ["--repo", str(workdir / "mirrors" / "*.git"), "--interval", INTERVAL])
    watcher.start()
    watcher.wait_for_log("metrics: serving /metrics and /healthz on 127.0.0.1:%d" % port)
    watcher.wait_for_log("watching 2 repositories")
    return watcher, aimed, "http://127.0.0.1:%d" % port, make_clone(workdir, good)


def scrape(base):
    status, text = get(base + "/metrics")
    assert status == 200, text
    return parse(text), text


def test_metrics_tell_what_happened_and_healthz_follows_an_outage(agent, env, workdir, server):
    watcher, aimed, base, clone = monitored_daemon(agent, env, workdir, server)
    try:
        changes = [commit(clone, "c%d" % i) for i in range(3)]
        push(clone, "main")
        assert server.wait_for(3, timeout=15)
        samples, text = scrape(base)
        promtool_check(text)
        assert value(samples, "pulse_agent_events_queued_total", system="shop",
                     type="change") == 3
        assert value(samples, "pulse_agent_events_delivered_total", system="shop",
                     type="change") == 3
        assert value(samples, "pulse_agent_queue_depth") == 0
        assert value(samples, "pulse_agent_oldest_queued_event_age_seconds") == 0
        assert value(samples, "pulse_agent_events_delivered_recently") == 3
        assert value(samples, "pulse_agent_repositories_watched") == 2
        assert value(samples, "pulse_agent_repositories_failing") == 1
        assert value(samples, "pulse_agent_delivery_answers_total", **{"class": "2xx"}) == 3
        assert value(samples, "pulse_agent_delivery_answers_total", **{"class": "5xx"}) == 0
        assert value(samples, "pulse_agent_delivery_request_duration_seconds_count") == 3
        assert value(samples, "pulse_agent_delivery_concurrency") >= 1
        assert value(samples, "pulse_agent_poll_cycle_duration_seconds_count") >= 1
        assert abs(value(samples, "pulse_agent_last_poll_timestamp_seconds") - time.time()) < 10
        [build] = labels_of(samples, "pulse_agent_build_info")
        version = run([agent, "version"], aimed).stdout.split()[1]
        assert build["version"] == version
        assert set(build) >= {"commit", "compiler", "libgit2", "libcurl", "sqlite", "yaml_cpp",
                              "boost"}
        status, body = get(base + "/healthz")
        assert status == 200 and body.startswith("WARNING: 1 repository failing"), body

        # The API answers 503: the event waits, ages, the 5xx answers count,
        # and /healthz says so once failing_after has passed.
        server.script([{"status": 503, "body": "maintenance"}] * 1000)
        outage = commit(clone, "during the outage")
        push(clone, "main")
        assert wait_until(lambda: value(scrape(base)[0], "pulse_agent_delivery_answers_total",
                                        **{"class": "5xx"}), timeout=10)
        assert wait_until(lambda: get(base + "/healthz")[0] == 503, timeout=FAILING_AFTER + 8)
        status, body = get(base + "/healthz")
        assert body.startswith("CRITICAL: delivery failing for "), body
        assert "HTTP 503" in body
        samples, text = scrape(base)
        promtool_check(text)
        assert value(samples, "pulse_agent_queue_depth") == 1
        assert value(samples, "pulse_agent_oldest_queued_event_age_seconds") >= FAILING_AFTER
        assert value(samples, "pulse_agent_delivery_failing_seconds") >= 1
        assert value(samples, "pulse_agent_events_queued_total", system="shop",
                     type="change") == 4
        assert value(samples, "pulse_agent_delivery_answers_total", **{"class": "5xx"}) >= 2

        # The API is back: the event goes, /healthz is 200 again.
        server.script([])
        assert wait_until(lambda: outage in {b.get("change_id") for b in
                                             server.delivered_bodies()}, timeout=10)
        assert wait_until(lambda: get(base + "/healthz")[0] == 200, timeout=5)
        samples, _ = scrape(base)
        assert value(samples, "pulse_agent_queue_depth") == 0
        assert value(samples, "pulse_agent_events_delivered_total", system="shop",
                     type="change") == 4
        assert value(samples, "pulse_agent_delivery_failing_seconds") == 0
        assert changes  # delivered before the outage
        assert get(base + "/nothing")[0] == 404
        assert watcher.stop()[0] == 0
    finally:
        watcher.ensure_stopped()


def test_the_listener_answers_malformed_requests_and_other_methods(agent, env, workdir, server):
    import socket
    watcher, aimed, base, _ = monitored_daemon(agent, env, workdir, server)
    port = int(base.rsplit(":", 1)[1])

    def exchange(data):
        with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
            sock.sendall(data)
            chunks = []
            while True:
                chunk = sock.recv(4096)
                if not chunk:
                    return b"".join(chunks).decode()
                chunks.append(chunk)

    try:
        assert exchange(b"GARBAGE\r\n\r\n").startswith("HTTP/1.1 400 Bad Request")
        assert exchange(b"POST /metrics HTTP/1.1\r\n\r\n").startswith(
            "HTTP/1.1 405 Method Not Allowed")
        head = exchange(b"HEAD /metrics HTTP/1.1\r\n\r\n")
        assert head.startswith("HTTP/1.1 200 OK") and head.endswith("\r\n\r\n")
        assert "text/plain; version=0.0.4" in head
        # A client that says nothing does not keep others out for long.
        silent = socket.create_connection(("127.0.0.1", port), timeout=5)
        started = time.time()
        assert get(base + "/metrics", timeout=10)[0] == 200
        assert time.time() - started < 5
        silent.close()
    finally:
        watcher.ensure_stopped()


def test_the_textfile_is_replaced_whole_every_cycle(agent, env, workdir, server):
    folder = workdir / "textfiles"
    folder.mkdir()
    textfile = folder / "pulse-agent.prom"
    watcher, aimed, base, clone = monitored_daemon(
        agent, env, workdir, server, extra="  textfile: %s\n" % textfile)
    try:
        assert wait_until(textfile.exists, timeout=5)
        commit(clone, "one")
        push(clone, "main")
        inodes = set()
        deadline = time.time() + 3
        reads = 0
        while time.time() < deadline:
            text = textfile.read_text()
            reads += 1
            # Every read is a whole exposition: the first family and the last.
            assert text.startswith("# HELP pulse_agent_build_info "), text[:200]
            assert text.endswith("pulse_agent_pushes_failed_total 0\n"), text[-200:]
            inodes.add(os.stat(textfile).st_ino)
        assert reads > 50
        assert len(inodes) > 2, "the file was not replaced by rename each cycle"
        promtool_check(textfile.read_text())
        samples = parse(textfile.read_text())
        assert value(samples, "pulse_agent_repositories_failing") == 1
        assert watcher.stop()[0] == 0
        assert sorted(p.name for p in folder.iterdir()) == ["pulse-agent.prom"]
    finally:
        watcher.ensure_stopped()
