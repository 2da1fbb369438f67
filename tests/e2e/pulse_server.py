#!/usr/bin/env python3
"""A loopback stand-in for the Pulse ingestion API, for tests and benchmarks.

It records every request (method, path, query, headers, body) and answers
from a script of behaviours, then with its default (200). Behaviours:

  {"status": 500}                         answer with this status
  {"status": 429, "retry_after": "2"}     ... and a Retry-After header
  {"status": 400, "body": "bad event"}    ... and this body (bytes are sent as they are)
  {"action": "close"}                     read the request, close without answering
  {"action": "hang", "seconds": 30}       read the request, answer nothing for N s

Two switches make it behave like a real API across a network:
`delay_ms` holds each answer that long (a round trip), and `max_concurrent`
answers 429 with `Retry-After: 1` to a request that arrives while that many
others are being served (a rate limit).

In a test: `server = PulseServer(); server.start(); server.script([...])`.
From a shell: `pulse_server.py [--port N] [--delay-ms N] [--max-concurrent K]`
prints "port N" and serves until killed; POST /_control/script with a JSON
list sets the script, GET /_control/requests returns what was recorded, GET
/_control/count the count, GET /_control/stats the answers by status.
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
        self.status = None          # the answer's status, once given
        self.answered = None        # when the answer was sent

    def as_dict(self):
        return {"method": self.method, "path": self.path, "query": self.query,
                "raw_query": self.raw_query, "headers": self.headers,
                "body": self.body_text, "time": self.time, "status": self.status,
                "answered": self.answered}


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
        if self.path == "/_control/stats":
            return self._answer(200, json.dumps(server.stats()).encode())
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
        if not server.enter():
            # More requests in service than the server takes: a rate limit.
            request = Recorded("POST", self.path, self.headers, body)
            server.record(request, delivered=False)
            self._answer(429, b'{"error":"too many requests"}', {"Retry-After": "1"})
            server.answered(request, 429)
            return
        try:
            self._serve(server, body)
        finally:
            server.leave()

    def _serve(self, server, body):
        behaviour = server.next_behaviour()
        action = behaviour.get("action")
        request = Recorded("POST", self.path, self.headers, body)
        if action == "close":
            server.record(request, delivered=False)
            self.close_connection = True
            self.connection.shutdown(2)
            return
        if action == "hang":
            server.record(request, delivered=False)
            server.stopping.wait(behaviour.get("seconds", 3600))
            self.close_connection = True
            return
        status = int(behaviour.get("status", server.default_status))
        server.record(request, delivered=200 <= status < 300)
        if server.delay_ms:
            time.sleep(server.delay_ms / 1000.0)
        headers = {}
        if "retry_after" in behaviour:
            headers["Retry-After"] = str(behaviour["retry_after"])
        if "location" in behaviour:
            headers["Location"] = behaviour["location"]
        answer = behaviour.get("body", '{"ok":true}' if status < 300 else '{"error":"test"}')
        self._answer(status, answer if isinstance(answer, bytes) else answer.encode(), headers)
        server.answered(request, status)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128


class PulseServer:
    """The recording server; start() binds 127.0.0.1 on a free port."""

    def __init__(self, port=0, default_status=200, delay_ms=0, max_concurrent=0):
        self.port = port
        self.default_status = default_status
        self.delay_ms = delay_ms              # hold each answer this long
        self.max_concurrent = max_concurrent  # 429 beyond this many in service (0: no cap)
        self.in_service = 0
        self.most_in_service = 0
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
            self.most_in_service = 0

    def next_behaviour(self):
        with self._lock:
            return self._script.pop(0) if self._script else {}

    def enter(self):
        """Count a request in service; False when the cap says 429."""
        with self._lock:
            if self.max_concurrent and self.in_service >= self.max_concurrent:
                return False
            self.in_service += 1
            self.most_in_service = max(self.most_in_service, self.in_service)
            return True

    def leave(self):
        with self._lock:
            self.in_service -= 1

    def answered(self, request, status):
        with self._lock:
            request.status = status
            request.answered = time.time()

    def stats(self):
        with self._lock:
            by_status = {}
            for r in self.requests:
                by_status[str(r.status)] = by_status.get(str(r.status), 0) + 1
            return {"requests": len(self.requests), "by_status": by_status,
                    "most_in_service": self.most_in_service}

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
    parser.add_argument("--delay-ms", type=int, default=0, help="hold each answer this long")
    parser.add_argument("--max-concurrent", type=int, default=0,
                        help="answer 429 (Retry-After: 1) beyond this many in service")
    args = parser.parse_args()
    server = PulseServer(args.port, args.status, args.delay_ms, args.max_concurrent).start()
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
