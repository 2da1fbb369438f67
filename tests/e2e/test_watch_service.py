"""`pulse-agent watch` as a service: it stops cleanly and fast on SIGTERM even
with a request hanging, reloads its config on SIGHUP (keeping the old one when
the new one is broken), talks sd_notify, refuses a second daemon on its state
file, `status` reads it while it runs, and `--once` polls a single time."""

import os
import signal
import socket
import subprocess
import time

from conftest import run
from test_watch_support import (INTERVAL, Watcher, commit, commits, make_clone, make_mirror,
                                mirror_and_clone, push, start_watching, status, wait_until,
                                watch_env)


def repo_yaml(*paths):
    return "repositories:\n" + "".join("  - %s\n" % p for p in paths)


def test_sigterm_gives_a_hanging_request_its_grace_then_exits_0(agent, env, workdir, server):
    mirror, clone = mirror_and_clone(workdir)
    watcher, _ = start_watching(agent, env, workdir, server.url, mirror, total=30, low_speed=30,
                                stop_grace=2)
    try:
        server.script([{"action": "hang", "seconds": 60}])
        change = commit(clone, "one")
        push(clone, "main")
        assert wait_until(lambda: len(server.requests) == 1)
        code, seconds = watcher.stop(signal.SIGTERM)
        # The request in flight gets delivery.stop_grace to end, then is
        # abandoned: the daemon stops cleanly, within seconds.
        assert code == 0 and 1.5 <= seconds < 6, (code, seconds)
        assert "stopped" in watcher.log()
        assert "1 request still in flight after delivery.stop_grace" in watcher.log()
        # The event stayed queued: the next start sends it.
        watcher.start()
        assert server.wait_for(1)
        assert server.delivered[0].json["change_id"] == change
        code, _ = watcher.stop(signal.SIGTERM)
        assert code == 0
    finally:
        watcher.ensure_stopped()


def test_sighup_reloads_and_a_broken_config_keeps_the_one_in_use(agent, env, workdir, server):
    first = make_mirror(workdir, "first")
    second = make_mirror(workdir, "second")
    aimed = watch_env(env, workdir, server.url, repo_yaml(first))
    config = aimed["PULSE_CONFIG"]
    good = open(config).read()
    watcher = Watcher(agent, aimed, workdir, ["--interval", INTERVAL]).start()
    try:
        watcher.wait_for_log("watching 1 repository")
        with open(config, "a") as f:
            f.write("watch: [broken\n")
        watcher.send(signal.SIGHUP)
        watcher.wait_for_log("reloading the config failed, keeping the one in use: " + config)
        clone = make_clone(workdir, first)
        change = commit(clone, "still watched")
        push(clone, "main")
        assert server.wait_for(1)
        assert server.delivered[0].json["change_id"] == change
        with open(config, "w") as f:
            f.write(good.replace(repo_yaml(first), repo_yaml(first, second)))
        watcher.send(signal.SIGHUP)
        watcher.wait_for_log("info: reloaded: pulse-agent")
        watcher.wait_for_log("second.git: first sight")
        assert watcher.running()
    finally:
        watcher.ensure_stopped()


def test_a_second_daemon_on_the_same_state_file_exits_with_a_clear_error(agent, env, workdir,
                                                                         server):
    mirror = make_mirror(workdir)
    aimed = watch_env(env, workdir, server.url)
    args = ["--repo", str(mirror), "--interval", INTERVAL]
    watcher = Watcher(agent, aimed, workdir, args).start()
    try:
        watcher.wait_for_log("watching 1 repository")
        second = run([agent, "watch"] + args, aimed, timeout=10)
        assert second.returncode == 1
        assert second.stderr == (
            "pulse-agent: error: another pulse-agent watch (pid %d) is already running on state "
            "file '%s' (lock file '%s.watch.lock')\n"
            % (watcher.proc.pid, aimed["PULSE_OUTBOX"], aimed["PULSE_OUTBOX"]))
        other = dict(aimed, PULSE_OUTBOX=str(workdir / "other.db"))
        assert run([agent, "watch", "--once"] + args, other).returncode == 0
    finally:
        watcher.ensure_stopped()


def test_tells_systemd_ready_status_watchdog_reloading_and_stopping(agent, env, workdir, server):
    mirror = make_mirror(workdir)
    path = str(workdir / "notify.sock")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(path)
    sock.settimeout(0.1)
    aimed = watch_env(env, workdir, server.url)
    aimed.update(NOTIFY_SOCKET=path, WATCHDOG_USEC="400000")
    watcher = Watcher(agent, aimed, workdir, ["--repo", str(mirror), "--interval", "5"])
    messages = []

    def receive_until(text, timeout=5.0):
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                messages.append(sock.recv(4096).decode())
            except socket.timeout:
                continue
            if text in messages[-1]:
                return
        raise AssertionError("no %r in %r" % (text, messages))

    try:
        watcher.start()
        receive_until("READY=1")
        receive_until("STATUS=watching 1 repository, 0 queued")
        start = len(messages)
        time.sleep(1.0)
        # Drain what a second brought; bounded, since pings keep coming.
        drain_until = time.time() + 0.5
        while time.time() < drain_until:
            try:
                messages.append(sock.recv(4096).decode())
            except socket.timeout:
                break
        pings = [m for m in messages[start:] if m == "WATCHDOG=1"]
        assert len(pings) >= 4  # every 100 ms of the second, while it sleeps 5 s
        watcher.send(signal.SIGHUP)
        receive_until("RELOADING=1")
        receive_until("READY=1")
        watcher.send(signal.SIGTERM)
        receive_until("STOPPING=1")
        assert watcher.proc.wait(timeout=5) == 0
    finally:
        watcher.ensure_stopped()
        sock.close()


def test_status_reads_the_state_while_the_daemon_runs_and_after(agent, env, workdir, server):
    good = make_mirror(workdir, "good")
    broken = make_mirror(workdir, "broken")
    with open(broken / "config", "a") as f:
        f.write("[pulse]\n\tstrategy = sometimes\n")
    aimed = watch_env(env, workdir, server.url)
    watcher = Watcher(agent, aimed, workdir,
                      ["--repo", str(workdir / "mirrors" / "*.git"), "--interval", INTERVAL])
    watcher.start()
    try:
        watcher.wait_for_log("watching 2 repositories")
        watcher.wait_for_log("broken.git: repository")
        server.script([{"status": 500, "body": "down for maintenance"}] * 50)
        clone = make_clone(workdir, good)
        commits(clone, 2)
        push(clone, "main")
        watcher.wait_for_log("broken.git: repository")
        assert wait_until(lambda: "HTTP 500" in status(agent, aimed)["last_delivery_error"])
        report = status(agent, aimed)
        assert report["daemon_pid"] == watcher.proc.pid
        repos = {os.path.basename(r["path"]): r for r in report["repositories"]}
        assert set(repos) == {"good.git", "broken.git"}
        assert repos["good.git"]["system"] == "good" and repos["good.git"]["last_change"] > 0
        assert "unknown strategy 'sometimes'" in repos["broken.git"]["last_error"]
        assert report["events"]["queued"] == 2 and report["events"]["delivered"] == 0
        text = run([agent, "status"], aimed).stdout
        assert "Daemon: running (pid %d)" % watcher.proc.pid in text
        assert "Repositories: 2 watched" in text
        assert "Events: 2 queued" in text
        assert "down for maintenance" in text
        assert watcher.stop()[0] == 0
    finally:
        watcher.ensure_stopped()
    text = run([agent, "status"], aimed).stdout
    assert "Daemon: not running" in text


def test_once_polls_delivers_and_exits(agent, env, workdir, server):
    mirror = make_mirror(workdir)
    clone = make_clone(workdir, mirror)
    aimed = watch_env(env, workdir, server.url)
    args = [agent, "watch", "--once", "--repo", str(mirror)]
    first = run(args, aimed)
    assert first.returncode == 0, first.stderr
    assert "first sight" in first.stderr
    change = commit(clone, "one")
    push(clone, "main")
    second = run(args, aimed)
    assert second.returncode == 0, second.stderr
    assert [r.json["change_id"] for r in server.delivered] == [change]
    missing = run(args + ["--repo", str(workdir / "missing.git")], aimed)
    assert missing.returncode == 1
    assert "is not a git repository (no such folder)" in missing.stderr


def test_status_without_a_state_file_says_so(agent, env):
    result = run([agent, "status"], env)
    assert result.returncode == 1
    assert ("no outbox at '%s'; nothing has been queued yet" % env["PULSE_OUTBOX"]
            in result.stderr)


def test_the_api_key_comes_from_systemds_credential_and_never_shows(agent, env, workdir, server):
    mirror = make_mirror(workdir)
    clone = make_clone(workdir, mirror)
    credentials = workdir / "credentials"
    credentials.mkdir()
    (credentials / "api-key").write_text("credential-key-5e1f\n")
    aimed = watch_env(env, workdir, server.url, key=None)
    aimed["CREDENTIALS_DIRECTORY"] = str(credentials)
    watcher = Watcher(agent, aimed, workdir, ["--repo", str(mirror), "--interval", INTERVAL])
    watcher.start()
    try:
        watcher.wait_for_log("watching 1 repository")
        commit(clone, "one")
        push(clone, "main")
        assert server.wait_for(1)
    finally:
        watcher.ensure_stopped()
    assert server.delivered[0].query["api_key"] == "credential-key-5e1f"
    assert "credential-key-5e1f" not in watcher.log()
    assert "no API key" not in watcher.log()


def test_under_journald_lines_carry_a_priority_and_no_time(agent, env, workdir, server):
    mirror = make_mirror(workdir)
    aimed = watch_env(env, workdir, server.url)
    log_path = workdir / "journal.log"
    with open(log_path, "w") as log:
        st = os.fstat(log.fileno())
        aimed["JOURNAL_STREAM"] = "%d:%d" % (st.st_dev, st.st_ino)
        proc = subprocess.Popen([agent, "watch", "--repo", str(mirror),
                                 "--repo", str(workdir / "missing.git"), "--interval", INTERVAL],
                                env=aimed, stderr=log)
    try:
        assert wait_until(lambda: "watching 1 repository" in log_path.read_text())
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=5) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
    lines = log_path.read_text().splitlines()
    assert lines[0].startswith("<6>pulse-agent 0.")
    assert any(line.startswith("<3>repository path '") for line in lines)
    assert all(line[0] == "<" and line[2] == ">" for line in lines)
