"""The outbox's whole life: read-only commands create nothing, a damaged
file is named and can be checked and salvaged, a WAL SQLite would silently
drop is moved aside, parked events and pushes can be retried or dropped, a
poison event is parked after retry.max_age, an unreachable API is called
that, files are created owner-only and never through a planted link, a
backup is a consistent copy, and delivered events are pruned to their keys."""

import json
import os
import pathlib
import shutil
import socket
import sqlite3
import ssl
import stat
import subprocess
import tempfile
import threading
import time

import pytest

from agent_env import REFUSED_URL, aimed_env, push_change
from conftest import outbox_rows, run

NOBODY = 65534


@pytest.fixture
def offline(env):
    """The test environment with no API key and an API nobody answers at."""
    aimed = dict(env, PULSE_BASE_URL="http://127.0.0.1:9")
    aimed.pop("PULSE_API_KEY", None)
    return aimed


def box_of(env):
    return pathlib.Path(env["PULSE_OUTBOX"])


def queue(agent, env, *ids):
    for change_id in ids:
        assert push_change(agent, env, change_id).returncode == 3


def as_nobody(args, env):
    """Run a command as user nobody (the tests run as root in CI)."""
    return run(["setpriv", "--reuid", str(NOBODY), "--regid", str(NOBODY), "--clear-groups"]
               + args, env)


def checkpointed(path):
    """Fold the outbox's WAL into its file; the last connection removes the WAL."""
    db = sqlite3.connect(str(path))
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()


# --- H: read-only commands create nothing ---------------------------------

@pytest.mark.parametrize("command", [["outbox"], ["outbox", "list"], ["outbox", "list", "--json"],
                                     ["status"], ["outbox", "backup", "copy.db"]])
def test_a_reader_of_a_missing_outbox_says_so_and_creates_nothing(agent, offline, workdir,
                                                                   command):
    before = sorted(p.name for p in workdir.iterdir())
    result = run([agent] + command, offline, cwd=str(workdir))
    assert result.returncode == 1
    assert ("no outbox at '%s'; nothing has been queued yet" % offline["PULSE_OUTBOX"]
            in result.stderr)
    assert sorted(p.name for p in workdir.iterdir()) == before


@pytest.mark.parametrize("command", [["push", "change", "--identifier", "c1", "--timestamp", "1"],
                                     ["flush"], ["outbox"], ["outbox", "prune"]])
def test_an_outbox_in_a_missing_folder_is_an_error_not_a_mkdir(agent, offline, workdir, command):
    missing = workdir / "missing" / "dir"
    result = run([agent] + command + ["--outbox", str(missing / "outbox.db")],
                 dict(offline, PULSE_API_KEY="k"))
    assert result.returncode == 1, result.stderr
    assert not (workdir / "missing").exists()


def test_writers_make_the_default_state_folder_owner_only_whatever_the_umask(agent, offline):
    # Root's default is /var/lib/pulse-agent: the test runs the agent as
    # nobody then, whose default is under a home of its own.
    home = pathlib.Path(tempfile.mkdtemp(prefix="pulse-home-"))
    try:
        aimed = dict(offline, HOME=str(home), PULSE_CONFIG="/dev/null")
        del aimed["PULSE_OUTBOX"]
        aimed.pop("XDG_STATE_HOME", None)
        old = os.umask(0)
        try:
            if os.geteuid() == 0:
                os.chown(home, NOBODY, NOBODY)
                result = as_nobody([agent, "push", "change", "--identifier", "c1", "--timestamp",
                                    "1"], aimed)
            else:
                result = push_change(agent, aimed, "c1")
        finally:
            os.umask(old)
        assert result.returncode == 3, result.stderr
        for folder in [home / ".local", home / ".local/state", home / ".local/state/pulse-agent"]:
            assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder
        assert (home / ".local/state/pulse-agent/outbox.db").exists()
    finally:
        shutil.rmtree(home)


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to act as another user")
def test_an_outbox_in_a_folder_the_reader_cannot_write_is_read(agent, offline):
    folder = pathlib.Path(tempfile.mkdtemp(prefix="pulse-ro-"))
    try:
        folder.chmod(0o755)
        # Nobody reads the test's own folders (pytest's are root-only).
        aimed = dict(offline, PULSE_OUTBOX=str(folder / "outbox.db"), PULSE_CONFIG="/dev/null",
                     HOME=str(folder))
        queue(agent, aimed, "c1", "c2")
        checkpointed(folder / "outbox.db")
        (folder / "outbox.db").chmod(0o644)
        assert sorted(p.name for p in folder.iterdir()) == ["outbox.db", "outbox.db.create.lock"]
        result = as_nobody([agent, "outbox", "list", "--json"], aimed)
        assert result.returncode == 0, result.stderr
        assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == ["c1", "c2"]
        # With a live WAL beside it (readable, as a group-shared outbox's is).
        queue(agent, aimed, "c3")
        for name in ("outbox.db-wal", "outbox.db-shm"):
            (folder / name).chmod(0o644)
        result = as_nobody([agent, "outbox", "list", "--json"], aimed)
        assert result.returncode == 0, result.stderr
        assert len(result.stdout.splitlines()) == 3
    finally:
        shutil.rmtree(folder)


# --- A: damage is named, checked and salvaged ------------------------------

def test_random_bytes_are_named_with_the_commands_that_help(agent, offline):
    box_of(offline).write_bytes(os.urandom(20000))
    result = push_change(agent, offline, "c1")
    assert result.returncode == 1
    assert "outbox '%s' is damaged" % offline["PULSE_OUTBOX"] in result.stderr
    assert "pulse-agent outbox check" in result.stderr
    check = run([agent, "outbox", "check"], offline)
    assert check.returncode == 1
    assert "not a database" in check.stdout
    recover = run([agent, "outbox", "recover"], offline)
    assert recover.returncode == 1, recover.stderr
    assert "salvaged: 0" in recover.stdout and "lost: unknown" in recover.stdout
    moved = list(box_of(offline).parent.glob("outbox.db.corrupt-*"))
    assert len(moved) == 1 and len(moved[0].read_bytes()) == 20000
    assert run([agent, "outbox", "check"], offline).returncode == 0
    assert push_change(agent, offline, "c1").returncode == 3


def fill(agent, env, count):
    """Queue one event through the agent, then `count` more straight into
    its table, and fold them all into the file."""
    queue(agent, env, "c0")
    db = sqlite3.connect(env["PULSE_OUTBOX"])
    body = json.dumps({"change_id": "x", "padding": "p" * 300})
    db.executemany("INSERT INTO events (system, type, id, environment, body, queued_at) "
                   "VALUES ('', 'change', ?, 'test', ?, 1)",
                   [("c%d" % n, body) for n in range(1, count + 1)])
    db.commit()
    db.close()
    checkpointed(box_of(env))


def events_leaf_page(path):
    """A leaf page of the events table, in the middle of it."""
    db = sqlite3.connect(str(path))
    pages = [row[0] for row in db.execute(
        "SELECT pageno FROM dbstat WHERE name = 'events' AND pagetype = 'leaf' ORDER BY pageno")]
    page_size = db.execute("PRAGMA page_size").fetchone()[0]
    db.close()
    return pages[len(pages) // 2], page_size


def test_recover_salvages_every_readable_row_and_counts_the_lost(agent, offline):
    fill(agent, offline, 999)
    page, size = events_leaf_page(box_of(offline))
    with open(offline["PULSE_OUTBOX"], "r+b") as f:
        f.seek((page - 1) * size)
        f.write(b"\xa5" * size)
    check = run([agent, "outbox", "check"], offline)
    assert check.returncode == 1 and "problem:" in check.stdout
    recover = run([agent, "outbox", "recover"], offline)
    assert recover.returncode == 1, recover.stderr
    lines = dict(line.split(": ", 1) for line in recover.stdout.splitlines() if ": " in line)
    lost = int(lines["lost"].split()[0])
    rows = outbox_rows(agent, offline)
    assert 0 < lost < 100
    assert 900 < len(rows) == 1000 - lost
    assert int(lines["salvaged"].split()[0]) >= len(rows)
    assert run([agent, "outbox", "check"], offline).returncode == 0


def test_a_wal_sqlite_would_drop_is_moved_aside_with_a_warning(agent, offline):
    queue(agent, offline, "c1", "c2")
    wal = pathlib.Path(offline["PULSE_OUTBOX"] + "-wal")
    garbage = os.urandom(wal.stat().st_size)
    wal.write_bytes(garbage)
    reader = run([agent, "outbox"], offline)
    assert reader.returncode == 1
    assert "is damaged" in reader.stderr
    assert "valid WAL header" in reader.stderr
    check = run([agent, "outbox", "check"], offline)
    assert check.returncode == 1 and "valid WAL header" in check.stdout
    writer = push_change(agent, offline, "c3")
    assert writer.returncode == 3, writer.stderr
    assert "warning" in writer.stderr and "valid WAL header" in writer.stderr
    moved = list(box_of(offline).parent.glob("outbox.db-wal.corrupt-*"))
    assert len(moved) == 1 and moved[0].read_bytes() == garbage


# --- D: parked events and pushes -------------------------------------------

def test_parked_events_are_called_parked_and_can_be_retried_or_dropped(agent, env, workdir,
                                                                       server):
    aimed = aimed_env(env, workdir, server.url)
    server.script([{"status": 400, "body": "bad one"}, {"status": 422}])
    assert push_change(agent, aimed, "c1").returncode == 4
    assert push_change(agent, aimed, "c2").returncode == 4
    summary = run([agent, "outbox"], aimed)
    assert "parked: 2" in summary.stdout and "rejected" not in summary.stdout
    assert "parked 1: change 'c1'" in summary.stdout
    rows = outbox_rows(agent, aimed)
    assert [(r["seq"], r["state"]) for r in rows] == [(1, "parked"), (2, "parked")]
    listed = run([agent, "outbox", "list", "--json", "--state", "rejected"], aimed)
    assert len(listed.stdout.splitlines()) == 2
    status = json.loads(run([agent, "status", "--json"], aimed).stdout)
    assert status["events"]["parked"] == 2
    assert run([agent, "outbox", "retry", "1"], aimed).returncode == 0
    assert run([agent, "outbox", "drop", "2"], aimed).returncode == 0
    assert run([agent, "flush"], aimed).returncode == 0
    assert [(r["id"], r["state"]) for r in outbox_rows(agent, aimed)] == [("c1", "delivered")]


def test_mistakes_in_outbox_subcommands_are_usage_errors(agent, offline):
    queue(agent, offline, "c1")
    for args in (["retry", "X"], ["retry"], ["drop"], ["frobnicate"], ["list", "--state", "bogus"],
                 ["drop", "push-x"], ["backup"]):
        result = run([agent, "outbox"] + args, offline)
        assert result.returncode == 2, (args, result.stderr)
    missing = run([agent, "outbox", "retry", "1"], offline)
    assert missing.returncode == 1 and "nothing parked has ID 1" in missing.stderr


# --- E: a poison event is parked after retry.max_age -----------------------

def test_an_event_failing_for_max_age_is_parked_and_frees_its_deployment(
        agent, env, workdir, server):
    aimed = aimed_env(env, workdir, server.url, extra="  max_age: 1\n")
    offline = dict(aimed)
    del offline["PULSE_API_KEY"]
    queue(agent, offline, "poison", "next")
    assert run([agent, "push", "deployment", "--identifier", "v1", "--timestamp", "1602848500",
                "poison", "next"], offline).returncode == 3
    server.script([{"status": 500}])
    # The deployment waits for its failing change; the other change goes on.
    assert run([agent, "flush"], aimed).returncode == 3
    states = {r["id"]: r["state"] for r in outbox_rows(agent, aimed)}
    assert states == {"poison": "queued", "next": "delivered", "v1": "queued"}
    time.sleep(2.2)
    server.script([{"status": 500}])
    flushed = run([agent, "flush"], aimed)
    rows = {r["id"]: r for r in outbox_rows(agent, aimed)}
    assert rows["poison"]["state"] == "parked", flushed.stderr
    assert "retry.max_age" in rows["poison"]["last_error"]
    # Parked, the poison no longer holds its deployment.
    assert rows["v1"]["state"] == "delivered"


@pytest.fixture
def untrusted_tls(workdir):
    """The URL of a TLS server on 127.0.0.1 whose certificate nobody signed."""
    key, cert = workdir / "tls.key", workdir / "tls.crt"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=127.0.0.1", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(str(cert), str(key))
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.2)
    stop = threading.Event()

    def serve():
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except OSError:
                continue
            with connection:
                try:  # the client hangs up when it sees the certificate
                    context.wrap_socket(connection, server_side=True).close()
                except (ssl.SSLError, OSError):
                    pass

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield "https://127.0.0.1:%d" % listener.getsockname()[1]
    stop.set()
    thread.join()
    listener.close()


@pytest.mark.parametrize("api", ["refused", "untrusted TLS"])
def test_an_unreachable_api_never_parks_and_is_called_unreachable(agent, env, workdir, api,
                                                                   request):
    url = REFUSED_URL if api == "refused" else request.getfixturevalue("untrusted_tls")
    aimed = aimed_env(env, workdir, url, extra="  max_age: 1\n")
    first = push_change(agent, aimed, "c1")
    assert first.returncode == 3
    time.sleep(2.2)
    flushed = run([agent, "flush"], aimed)
    assert flushed.returncode == 3
    assert "could not reach the API; it will be retried" in flushed.stderr
    assert "asked us to retry" not in flushed.stderr
    # curl's words: "Couldn't connect to server", "SSL certificate problem: ..."
    assert ("onnect" if api == "refused" else "certificate") in flushed.stderr
    assert [r["state"] for r in outbox_rows(agent, aimed)] == ["queued"]


# --- G: files are never made through a planted link ------------------------

@pytest.mark.parametrize("planted", ["outbox.db", "outbox.db.create.lock"])
def test_a_planted_symbolic_link_is_not_followed(agent, offline, workdir, planted):
    shared = workdir / "shared"
    shared.mkdir(mode=0o777)
    victim = workdir / "victim"
    (shared / planted).symlink_to(victim)
    aimed = dict(offline, PULSE_OUTBOX=str(shared / "outbox.db"))
    result = push_change(agent, aimed, "c1")
    assert result.returncode == 1, result.stderr
    assert not victim.exists()


# --- C: backup ---------------------------------------------------------------

def test_backup_is_a_consistent_file_and_refuses_to_overwrite(agent, offline, workdir):
    queue(agent, offline, "c1", "c2")
    copy = workdir / "copy.db"
    assert run([agent, "outbox", "backup", str(copy)], offline).returncode == 0
    assert not pathlib.Path(str(copy) + "-wal").exists()
    db = sqlite3.connect(str(copy))
    assert db.execute("SELECT id FROM events ORDER BY seq").fetchall() == [("c1",), ("c2",)]
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    db.close()
    queue(agent, offline, "c3")
    refused = run([agent, "outbox", "backup", str(copy)], offline)
    assert refused.returncode == 1 and "--force" in refused.stderr
    assert run([agent, "outbox", "backup", str(copy), "--force"], offline).returncode == 0
    assert len(outbox_rows(agent, dict(offline, PULSE_OUTBOX=str(copy)))) == 3


# --- B: retention -------------------------------------------------------------

def test_prune_keeps_keys_so_nothing_is_sent_twice(agent, env, workdir, server):
    aimed = aimed_env(env, workdir, server.url, extra="retention:\n  delivered_days: 0\n")
    for change_id in ("c1", "c2"):
        assert push_change(agent, aimed, change_id).returncode == 0
    pruned = run([agent, "outbox", "prune"], aimed)
    assert pruned.returncode == 0, pruned.stderr
    assert "pruned: 2 delivered events" in pruned.stdout
    rows = outbox_rows(agent, aimed)
    assert [(r["id"], r["state"]) for r in rows] == [("c1", "delivered"), ("c2", "delivered")]
    assert rows[0]["body"] == {"time_created": "2020-10-16T11:40:32Z"}
    requests = len(server.requests)
    again = push_change(agent, aimed, "c1")
    assert again.returncode == 0 and "already delivered" in again.stderr
    assert len(server.requests) == requests


def test_prune_switches_an_old_outbox_to_incremental_vacuum_once(agent, offline, workdir):
    queue(agent, offline, "c1")
    db = sqlite3.connect(offline["PULSE_OUTBOX"])
    assert db.execute("PRAGMA auto_vacuum").fetchone()[0] == 2  # a new outbox is made so
    db.execute("PRAGMA auto_vacuum = NONE")
    db.execute("VACUUM")
    assert db.execute("PRAGMA auto_vacuum").fetchone()[0] == 0
    db.close()
    first = run([agent, "outbox", "prune"], offline)
    assert first.returncode == 0 and "VACUUM" in first.stdout, first.stderr
    db = sqlite3.connect(offline["PULSE_OUTBOX"])
    assert db.execute("PRAGMA auto_vacuum").fetchone()[0] == 2
    db.close()
    assert "VACUUM" not in run([agent, "outbox", "prune"], offline).stdout
    assert [r["id"] for r in outbox_rows(agent, offline)] == ["c1"]
