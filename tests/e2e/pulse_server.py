#!/usr/bin/env python3
"""A loopback stand-in for the Pulse ingestion API, for tests and benchmarks.

It records every request (method, path, query, headers, body) and answers
from a script of behaviours, then with its default (200). Behaviours:

  {"status": 500}                         answer with this status
  {"status": 429, "retry_after": "2"}     ... and a Retry-After header
  {"status": 400, "body": "bad event"}    ... and this body (bytes are sent as they are)
  {"action": "close"}                     read the request, close without answering
  {"action": "hang", "seconds": 30}       read the request, answer nothing for N s

In a test: `server = PulseServer(); server.start(); server.script([...])`.
From a shell: `pulse_server.py [--port N] [--quiet]` prints "port N" and serves
until killed; POST /_control/script with a JSON list sets the script, GET
/_control/requests returns what was recorded, GET /_control/count the count.
"""

import argparse
import json
import socketserver
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


class Recorded:
    """One request as the server saw it."""

    def __init__(self, method, target, headers, body):
        parts = urlsplit(target)
        self.method = method
        self.path = parts.path
        self.raw_query = parts.query
        self.query = {k: v[0] if len(v) == 1 else v
                      for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        self.headers = {k.lower(): v for k, v in headers.items()}
        self.body_text = body.decode("utf-8", "replace")
        try:
            self.json = json.loads(self.body_text) if self.body_text else None
        except ValueError:
            self.json = None
        self.time = time.time()

    def as_dict(self):
        return {"method": self.method, "path": self.path, "query": self.query,
                "raw_query": self.raw_query, "headers": self.headers,
                "body": self.body_text, "time": self.time}


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes; with Nagle on, the body waits for
    # the client's delayed ACK (40 ms) and a keep-alive client crawls at 25/s.
    disable_nagle_algorithm = True

    def log_message(self, *args):  # keep test output clean
        pass

    def _read_body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _answer(self, status, body=b"", headers=None):
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        server = self.server.owner
        if self.path == "/_control/requests":
            body = json.dumps([r.as_dict() for r in server.requests]).encode()
            return self._answer(200, body)
        if self.path == "/_control/count":
            return self._answer(200, str(len(server.requests)).encode())
        return self._answer(404, b'{"error":"not found"}')

    def do_POST(self):
        server = self.server.owner
        body = self._read_body()
        if self.path == "/_control/script":
            server.script(json.loads(body or b"[]"))
            return self._answer(200, b"{}")
        if self.path == "/_control/reset":
            server.reset()
            return self._answer(200, b"{}")
        behaviour = server.next_behaviour()
        action = behaviour.get("action")
        if action == "close":
            server.record(Recorded("POST", self.path, self.headers, body), delivered=False)
            self.close_connection = True
            self.connection.shutdown(2)
            return
        if action == "hang":
            server.record(Recorded("POST", self.path, self.headers, body), delivered=False)
            server.stopping.wait(behaviour.get("seconds", 3600))
            self.close_connection = True
            return
        status = int(behaviour.get("status", server.default_status))
        server.record(Recorded("POST", self.path, self.headers, body),
                      delivered=200 <= status < 300)
        headers = {}
        if "retry_after" in behaviour:
            headers["Retry-After"] = str(behaviour["retry_after"])
        if "location" in behaviour:
            headers["Location"] = behaviour["location"]
        answer = behaviour.get("body", '{"ok":true}' if status < 300 else '{"error":"test"}')
        self._answer(status, answer if isinstance(answer, bytes) else answer.encode(), headers)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128


class PulseServer:
    """The recording server; start() binds 127.0.0.1 on a free port."""

    def __init__(self, port=0, default_status=200):
        self.port = port
        self.default_status = default_status
        self.requests = []          # every POST to the API, in arrival order
        self.delivered = []         # those answered with 2xx
        self._script = []
        self._lock = threading.Lock()
        self.stopping = threading.Event()
        self._httpd = None
        self._thread = None

    @property
    def url(self):
        return "http://127.0.0.1:%d" % self.port

    def start(self):
        self._httpd = _Server(("127.0.0.1", self.port), _Handler)
        self._httpd.owner = self
        self.port = self._httpd.server_address[1]
        self.stopping.clear()
        self._thread = threading.Thread(target=self._httpd.serve_forever,
                                        kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        return self

    def stop(self):
        if self._httpd:
            self.stopping.set()
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    def script(self, behaviours):
        with self._lock:
            self._script = list(behaviours)

    def reset(self):
        with self._lock:
            self._script = []
            self.requests.clear()
            self.delivered.clear()

    def next_behaviour(self):
        with self._lock:
            return self._script.pop(0) if self._script else {}

    def record(self, request, delivered):
        with self._lock:
            self.requests.append(request)
            if delivered:
                self.delivered.append(request)

    def delivered_bodies(self):
        with self._lock:
            return [r.json for r in self.delivered]

    def wait_for(self, count, timeout=10.0):
        """Wait until `count` requests were answered 2xx; return whether they were."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            if len(self.delivered) >= count:
                return True
            time.sleep(0.02)
        return len(self.delivered) >= count


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--status", type=int, default=200, help="default answer")
    args = parser.parse_args()
    server = PulseServer(args.port, args.status).start()
    print("port %d" % server.port, flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()


if __name__ == "__main__":
    sys.exit(main())
