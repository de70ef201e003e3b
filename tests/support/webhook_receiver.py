#!/usr/bin/env python3
"""A webhook receiver on 127.0.0.1 for the notify tests (tests/notify).

    webhook_receiver.py --log FILE --ready FILE

Listens on a free loopback port and writes it to the --ready file once
listening. How a request is answered depends on its path, and each path keeps
its own count of requests:

    /ok/<anything>        200
    /fail-first/<N>/...   500 to the first N requests on this path, then 200
    /always-fail/...      500
    /hold-first/<S>/...   the first request on this path waits S seconds before
                          its 200 (a delivery in flight); later ones get 200 at once

Every request appends two JSON lines to the --log file: {"event": "received",
...} with its path, headers (names lower-case) and body as soon as the body is
read, and {"event": "answered", ..., "status", "held"} once the answer is sent
(`held` is the seconds it waited first, 0 for a normal answer).
"""

import argparse
import json
import os
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Receiver:
    def __init__(self, log_path):
        self.log_path = log_path
        self.lock = threading.Lock()
        self.counts = {}

    def next_count(self, path):
        with self.lock:
            self.counts[path] = self.counts.get(path, 0) + 1
            return self.counts[path]

    def write(self, record):
        record["at"] = time.time()
        with self.lock, open(self.log_path, "a", encoding="utf-8") as log:
            log.write(json.dumps(record) + "\n")


def plan(path, count):
    """(status, seconds to hold) for request number `count` on `path`."""
    parts = [p for p in path.split("/") if p]
    mode = parts[0] if parts else ""
    arg = parts[1] if len(parts) > 1 else "0"
    if mode == "fail-first":
        return (500 if count <= int(arg) else 200), 0
    if mode == "always-fail":
        return 500, 0
    if mode == "hold-first":
        return 200, (float(arg) if count == 1 else 0)
    if mode == "ok":
        return 200, 0
    return 404, 0


def make_handler(receiver):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self):
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length).decode("utf-8", errors="replace")
            headers = {k.lower(): v for k, v in self.headers.items()}
            count = receiver.next_count(self.path)
            status, hold = plan(self.path, count)
            base = {"path": self.path, "message_id": headers.get("x-outpost-message-id", "")}
            receiver.write(dict(base, event="received", headers=headers, body=body))
            if hold:
                time.sleep(hold)
            try:
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()
                self.wfile.flush()
            except OSError:
                pass  # the sender is gone (killed mid-delivery)
            receiver.write(dict(base, event="answered", status=status, held=hold))

        def log_message(self, *args):
            pass

    return Handler


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--log", required=True)
    parser.add_argument("--ready", required=True)
    args = parser.parse_args()
    receiver = Receiver(args.log)
    server = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(receiver))
    server.daemon_threads = True
    tmp = args.ready + ".tmp"
    with open(tmp, "w", encoding="utf-8") as ready:
        ready.write(str(server.server_address[1]) + "\n")
    os.replace(tmp, args.ready)
    server.serve_forever()


if __name__ == "__main__":
    main()
