"""An environment that aims pulse-agent at a test server with short timeouts
and backoffs, so that retries happen within seconds, and waiting helpers for
the tests of delivery."""

import socket
import time

from conftest import API_KEY, PulseServer, run

# Nothing listens on port 1 and no test can bind it: connections are refused.
REFUSED_URL = "http://127.0.0.1:1"


def fast_config(workdir, total=5, connect=2, low_speed=5, initial_backoff=1, max_backoff=2,
                max_retry_after=60, concurrency=1, stop_grace=10, extra=""):
    """Write a config file with short network limits and backoffs; return its
    path. One request at a time by default: a test that scripts the server's
    answers gets them in its events' order (test_delivery_concurrency.py
    tests many in flight)."""
    path = workdir / "fast-config.yaml"
    path.write_text(
        "timeouts:\n  connect: %d\n  total: %d\n  low_speed: %d\n"
        "delivery:\n  concurrency: %d\n  stop_grace: %d\n"
        "retry:\n  initial_backoff: %d\n  max_backoff: %d\n  max_retry_after: %d\n%s"
        % (connect, total, low_speed, concurrency, stop_grace, initial_backoff, max_backoff,
           max_retry_after, extra))
    return path


def aimed_env(env, workdir, base_url, key=API_KEY, **limits):
    """The test environment aimed at base_url with the fast config and (unless None) a key."""
    aimed = dict(env)
    aimed["PULSE_CONFIG"] = str(fast_config(workdir, **limits))
    aimed["PULSE_BASE_URL"] = base_url
    if key is not None:
        aimed["PULSE_API_KEY"] = key
    return aimed


def push_change(agent, env, change_id, *extra, timestamp="1602848432"):
    """Push one change event and return the finished process."""
    return run([agent, "push", "change", "--identifier", change_id, "--timestamp", timestamp]
               + list(extra), env)


def flush_until_drained(agent, env, timeout=10.0):
    """Run `flush` until nothing is queued (events wait out their backoff);
    return the last run's result."""
    deadline = time.time() + timeout
    while True:
        result = run([agent, "flush"], env)
        if "still queued 0" in result.stderr or time.time() > deadline:
            return result
        time.sleep(0.25)


def delivered_ids(server):
    """The event ids the server answered 2xx, in arrival order."""
    ids = []
    for body in server.delivered_bodies():
        ids.append(body.get("change_id") or body.get("deploy_id") or body.get("incident_id"))
    return ids


def rows_by_id(rows):
    """Outbox rows keyed by event id."""
    return {row["id"]: row for row in rows}


class DownServer:
    """A loopback port held bound but not listening, so that connections are
    refused and no other test can take it, until up() starts the server there."""

    def __init__(self):
        self._socket = socket.socket()
        self._socket.bind(("127.0.0.1", 0))
        self.port = self._socket.getsockname()[1]
        self.url = "http://127.0.0.1:%d" % self.port

    def up(self):
        """Release the port and start the recording server on it."""
        self._socket.close()
        return PulseServer(port=self.port).start()
