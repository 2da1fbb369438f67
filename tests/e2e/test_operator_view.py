"""What an operator sees without the daemon: the delivery lag in `status`
and `outbox` (text and --json), `status --check` as a Nagios plugin, the
metrics from the outbox for node_exporter's textfile collector, log levels
and JSON logs for every command, and `version --verbose`."""

import json
import os
import re
import subprocess
import time

from agent_env import aimed_env, push_change
from conftest import PulseServer, run
from metrics_support import parse, promtool_check, value
from test_watch_support import make_mirror


def queue_undeliverable(agent, env, workdir, server, ids, extra=""):
    """Queue events that the server answers 503: they wait, failing."""
    aimed = aimed_env(env, workdir, server.url, extra=extra)
    server.script([{"status": 503}] * 100)
    for change_id in ids:
        assert push_change(agent, aimed, change_id).returncode == 3
    return aimed


def test_status_and_outbox_show_the_lag(agent, env, workdir, server):
    aimed = queue_undeliverable(agent, env, workdir, server, ["c1", "c2"])
    time.sleep(2.1)
    report = json.loads(run([agent, "status", "--json"], aimed).stdout)
    lag = report["lag"]
    assert lag["oldest_queued_age_seconds"] >= 2
    assert lag["failing_since"] is not None and lag["oldest_queued_at"] is not None
    assert (lag["delivered_last_window"], lag["window_seconds"]) == (0, 300)
    summary = json.loads(run([agent, "outbox", "--json"], aimed).stdout)
    assert summary["events"]["queued"] == 2 and summary["lag"]["oldest_queued_age_seconds"] >= 2
    assert "HTTP 503" in summary["last_delivery_problem"]
    text = run([agent, "status"], aimed).stdout
    assert re.search(r"Lag: oldest queued event \d+ s old \(queued .*\), failing for \d+ s; "
                     r"delivered 0 in the last 5 min \(0\.0/min\)", text), text
    assert re.search(r"lag: oldest queued event \d+ s old", run([agent, "outbox"], aimed).stdout)

    server.script([])
    assert run([agent, "flush"], aimed).returncode == 0
    lag = json.loads(run([agent, "outbox", "--json"], aimed).stdout)["lag"]
    assert lag["oldest_queued_age_seconds"] is None and lag["failing_since"] is None
    assert lag["delivered_last_window"] == 2
    assert lag["delivered_per_minute"] == 2 * 60 / 300
    assert "Lag: nothing queued; delivered 2 in the last 5 min (0.4/min)" in run(
        [agent, "status"], aimed).stdout


def test_status_check_speaks_nagios(agent, env, workdir, server):
    missing = dict(env, PULSE_OUTBOX=str(workdir / "none" / "outbox.db"))
    unknown = run([agent, "status", "--check"], missing)
    assert unknown.returncode == 3 and unknown.stdout.startswith("PULSE-AGENT UNKNOWN - ")

    aimed = queue_undeliverable(agent, env, workdir, server, ["c1"],
                                extra="health:\n  failing_after: 3\n")
    ok = run([agent, "status", "--check"], aimed)
    assert ok.returncode == 0, ok.stdout
    assert ok.stdout.startswith("PULSE-AGENT OK - 1 queued, the oldest ")
    assert "| queued=1 oldest_age=" in ok.stdout
    time.sleep(5)  # whole seconds: failing for 4 or 5, more than 3
    critical = run([agent, "status", "--check"], aimed)
    assert critical.returncode == 2, critical.stdout
    assert critical.stdout.startswith("PULSE-AGENT CRITICAL - delivery failing for ")
    assert "HTTP 503" in critical.stdout

    server.script([{"status": 400}])
    run([agent, "flush"], aimed)
    warning = run([agent, "status", "--check"], aimed)
    assert warning.returncode == 1, warning.stdout
    assert warning.stdout.startswith("PULSE-AGENT WARNING - 1 event parked")


def test_the_outbox_metrics_for_the_textfile_collector(agent, env, workdir, server):
    textfile = workdir / "collector" / "pulse-agent.prom"
    textfile.parent.mkdir()
    aimed = queue_undeliverable(agent, env, workdir, server, ["c1", "c2"],
                                extra="metrics:\n  textfile: %s\n" % textfile)
    printed = run([agent, "status", "--metrics"], aimed)
    assert printed.returncode == 0, printed.stderr
    promtool_check(printed.stdout)
    samples = parse(printed.stdout)
    queued = {key: n for key, n in samples.items() if key[0] == "pulse_agent_events_queued_total"}
    assert sum(queued.values()) == 2 and len(queued) == 1, queued
    assert value(samples, "pulse_agent_queue_depth") == 2
    assert value(samples, "pulse_agent_oldest_queued_event_age_seconds") >= 0
    assert run([agent, "status", "--write-metrics"], aimed).returncode == 0
    promtool_check(textfile.read_text())
    assert value(parse(textfile.read_text()), "pulse_agent_queue_depth") == 2
    assert sorted(p.name for p in textfile.parent.iterdir()) == ["pulse-agent.prom"]
    unset = run([agent, "status", "--write-metrics"], dict(aimed, PULSE_CONFIG="/dev/null"))
    assert unset.returncode == 1 and "metrics.textfile" in unset.stderr


def test_log_level_and_json_logs(agent, env, workdir):
    server = PulseServer().start()
    try:
        make_mirror(workdir, "shop")
        aimed = aimed_env(env, workdir, server.url)
        once = ["watch", "--once", "--repo", str(workdir / "mirrors" / "*.git")]
        plain = run([agent] + once, aimed)
        assert plain.returncode == 0, plain.stderr
        assert " info: pulse-agent " in plain.stderr

        quiet = run([agent, "--log-level", "warning"] + once, aimed)
        assert quiet.returncode == 0 and "info:" not in quiet.stderr, quiet.stderr

        logged = run([agent] + once + ["--log-format=json", "--log-level", "debug"], aimed)
        assert logged.returncode == 0, logged.stderr
        lines = [json.loads(line) for line in logged.stderr.splitlines()]
        assert {"time", "level", "message"} == set(lines[0])
        assert lines[0]["time"].endswith("Z") and "." in lines[0]["time"]
        assert {line["level"] for line in lines} >= {"info", "debug"}
        assert any(line["message"].startswith("pulse-agent ") for line in lines)

        # The config file's log keys, which the command line overrides.
        config = aimed_env(env, workdir, server.url,
                           extra="log:\n  level: error\n  format: json\n")
        from_config = run([agent] + once, config)
        assert from_config.returncode == 0 and from_config.stderr == "", from_config.stderr
        overridden = run([agent, "--log-level=info"] + once, config)
        assert json.loads(overridden.stderr.splitlines()[0])["level"] == "info"

        wrong = run([agent, "status", "--log-level", "loud"], aimed)
        assert wrong.returncode == 2 and "--log-level 'loud'" in wrong.stderr
        ignored = run([agent, "outbox"], dict(aimed, PULSE_LOG_LEVEL="loud"))
        assert ignored.returncode == 0 and "PULSE_LOG_LEVEL" in ignored.stderr
    finally:
        server.stop()


def test_journal_lines_keep_their_priority_in_json(agent, env, workdir, server):
    """Under journald (JOURNAL_STREAM names stderr) each JSON line starts
    with its <N> syslog priority, which journald takes off and keeps."""
    make_mirror(workdir, "shop")
    aimed = aimed_env(env, workdir, server.url)
    log = workdir / "journal.log"
    with open(log, "w") as f:
        st = os.fstat(f.fileno())
        journal = dict(aimed, JOURNAL_STREAM="%d:%d" % (st.st_dev, st.st_ino))
        args = ["watch", "--once", "--log-format", "json", "--repo",
                str(workdir / "mirrors" / "*.git")]
        done = subprocess.run([agent] + args, env=journal, stderr=f, stdout=subprocess.DEVNULL,
                              timeout=60)
    assert done.returncode == 0
    lines = log.read_text().splitlines()
    assert lines and all(re.match(r"<[2-7]>\{", line) for line in lines), lines
    assert json.loads(lines[0][3:])["level"] == "info" and lines[0].startswith("<6>")


def test_version_verbose_names_the_build_and_the_libraries(agent, env):
    done = run([agent, "version", "--verbose"], env)
    assert done.returncode == 0, done.stderr
    fields = dict(line.split(": ", 1) for line in done.stdout.splitlines()[1:])
    assert set(fields) == {"commit", "build type", "compiler", "libgit2", "libcurl", "sqlite",
                           "yaml-cpp", "boost"}
    assert re.fullmatch(r"\d+\.\d+\.\d+", fields["libgit2"])
    assert re.match(r"\d+\.\d+\.\d+ \(", fields["libcurl"])
    assert re.fullmatch(r"\d+\.\d+\.\d+", fields["sqlite"])
    assert fields["yaml-cpp"].startswith("libyaml-cpp.so.")
    assert fields["boost"].startswith("libboost_program_options.so.")
    assert done.stdout.splitlines()[0] == run([agent, "version"], env).stdout.strip()
    assert run([agent, "version", "--help"], env).stdout.startswith("Usage: pulse-agent version")
