"""The files beside an outbox: the write-ahead log and index a removed
outbox left behind are moved aside, never replayed into a new one, and the
temporaries of first loads whose process died are removed, while a live
one is kept."""

import pathlib
import subprocess
import sys

import pytest

from conftest import git, outbox_rows, run
from test_concurrency import push_all_at_once


@pytest.fixture
def offline(env):
    """The test environment with no API key and an API nobody answers at."""
    aimed = dict(env, PULSE_BASE_URL="http://127.0.0.1:9")
    aimed.pop("PULSE_API_KEY", None)
    return aimed


@pytest.fixture
def repo(workdir):
    """Three commits on main, the last released as v1.0.0: four events."""
    path = workdir / "shop"
    path.mkdir()
    git(path, "init", "-q", "-b", "main")
    for number in range(3):
        stamp = "%d +0000" % (1700000000 + 60 * number)
        git(path, "commit", "-q", "--allow-empty", "-m", "c%d" % number,
            env={"GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp})
    git(path, "tag", "-a", "-m", "v1.0.0", "v1.0.0")
    return path


def outbox_of(env):
    return pathlib.Path(env["PULSE_OUTBOX"])


def leave_orphans(agent, env):
    """Queue one event, then remove the outbox file: its WAL (which holds the
    event) and index stay. Return the WAL's bytes."""
    result = run([agent, "push", "change", "--identifier", "old1", "--timestamp",
                  "1700000000"], env)
    assert result.returncode == 3, result.stderr
    box = outbox_of(env)
    wal = pathlib.Path(str(box) + "-wal")
    assert wal.exists() and pathlib.Path(str(box) + "-shm").exists()
    content = wal.read_bytes()
    box.unlink()
    return content


def orphans(env):
    box = outbox_of(env)
    return sorted(p.name for p in box.parent.glob(box.name + "-*.orphan-*"))


def test_a_backfill_into_a_removed_outbox_keeps_its_events(agent, offline, repo):
    old_wal = leave_orphans(agent, offline)
    first = run([agent, "backfill", "--repo", str(repo)], offline)
    assert first.returncode == 3, first.stderr
    assert "4 new, 0 already queued" in first.stderr
    rows = outbox_rows(agent, offline)
    assert len(rows) == 4 and "old1" not in {row["id"] for row in rows}
    again = run([agent, "backfill", "--repo", str(repo)], offline)
    assert "0 new, 4 already queued" in again.stderr, again.stderr
    assert len(outbox_rows(agent, offline)) == 4
    # Moved aside, not destroyed, and said so.
    names = orphans(offline)
    assert [n.split(".orphan-")[0] for n in names] == ["outbox.db-shm", "outbox.db-wal"]
    wal_orphan = outbox_of(offline).parent / names[1]
    assert wal_orphan.read_bytes() == old_wal
    assert str(wal_orphan) in first.stderr


def test_a_push_into_a_removed_outbox_moves_the_old_wal_aside(agent, offline):
    old_wal = leave_orphans(agent, offline)
    result = run([agent, "push", "change", "--identifier", "new1", "--timestamp",
                  "1700000000"], offline)
    assert result.returncode == 3, result.stderr
    assert [row["id"] for row in outbox_rows(agent, offline)] == ["new1"]
    names = orphans(offline)
    assert len(names) == 2, names
    assert (outbox_of(offline).parent / names[1]).read_bytes() == old_wal
    assert "outbox.db-wal" in result.stderr


def test_processes_creating_the_outbox_at_once_move_only_the_orphans(agent, offline):
    leave_orphans(agent, offline)
    change_ids = ["c%02d" % i for i in range(12)]
    results = push_all_at_once(agent, offline, change_ids)
    assert [code for code, _ in results] == [3] * len(change_ids), results
    assert sorted(row["id"] for row in outbox_rows(agent, offline)) == change_ids
    # One process moved the two orphans; no live WAL was taken for one.
    assert len(orphans(offline)) == 2
    assert sum("orphan" in stderr for _, stderr in results) == 1


def hold_lock_in_child(path):
    """A child process that creates `path` and holds an flock on it, as a
    first load holds its temporary, until it is killed."""
    child = subprocess.Popen(
        [sys.executable, "-c",
         "import fcntl, sys, time\n"
         "f = open(sys.argv[1], 'w')\n"
         "fcntl.flock(f, fcntl.LOCK_EX)\n"
         "print('locked', flush=True)\n"
         "time.sleep(600)\n", str(path)],
        stdout=subprocess.PIPE, text=True)
    assert child.stdout.readline().strip() == "locked"
    return child


def test_temporaries_of_dead_first_loads_are_removed_and_live_ones_kept(
        agent, offline, repo):
    box = outbox_of(offline)
    box.parent.mkdir(parents=True, exist_ok=True)
    # A first load killed in a container: its pid (1) comes back every time.
    dead = pathlib.Path(str(box) + ".new-1")
    dead.write_bytes(b"\0" * 4096)
    pathlib.Path(str(dead) + "-wal").write_bytes(b"\0" * 4096)
    killed = pathlib.Path(str(box) + ".new-2")
    owner = hold_lock_in_child(killed)
    owner.kill()
    owner.wait()
    live = pathlib.Path(str(box) + ".new-3")
    builder = hold_lock_in_child(live)
    try:
        result = run([agent, "backfill", "--repo", str(repo)], offline)
        assert result.returncode == 3, result.stderr
        assert "4 new" in result.stderr
        assert len(outbox_rows(agent, offline)) == 4
        left = sorted(p.name for p in box.parent.iterdir() if ".new-" in p.name)
        assert left == ["outbox.db.new-3"]
    finally:
        builder.kill()
        builder.wait()
    # The next writer sweeps it (readers create and remove nothing).
    run([agent, "push", "change", "--identifier", "later", "--timestamp", "1700000000"], offline)
    assert not live.exists()


def test_the_wal_of_an_existing_outbox_is_never_moved(agent, offline):
    for change_id in ("a1", "a2"):
        run([agent, "push", "change", "--identifier", change_id, "--timestamp",
             "1700000000"], offline)
    result = run([agent, "outbox"], offline)
    assert result.returncode == 0 and "orphan" not in result.stderr
    assert orphans(offline) == []
    assert [row["id"] for row in outbox_rows(agent, offline)] == ["a1", "a2"]
