"""Shared pieces of the reliability tests (tests/reliability): a real
`outpost serve` child process, an HTTP client that measures each request, a
database of its own on either backend, the webhook receiver and the test clock.

Python 3 standard library only. The environment, as CTest sets it:

    OUTPOST_BINARY             the outpost executable
    OUTPOST_TEST_BACKEND       sqlite | postgresql
    OUTPOST_TEST_PG_URL_FILE   the shared `postgres` fixture's URL (postgresql)
    OUTPOST_TEST_WORK_DIR      where databases, logs and configs go
"""

import collections
import http.client
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.dirname(os.path.dirname(HERE))
TOKEN = "test-bootstrap-token-0123456789"
PII_KEY = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"
SIGNING_KEY = (
    "PRIVATE+KEY+outpost.test/history+765d959c+AWmfFwq8WyHzLtpCSs0XWlR0Ie3FXeb0Mf01EZHEvV6V"
)
PSQL = "/usr/lib/postgresql/15/bin/psql"


def fail(message):
    print("FAIL: " + message, flush=True)
    sys.exit(1)


def say(message):
    print(message, flush=True)


def work_dir(name):
    root = os.environ.get("OUTPOST_TEST_WORK_DIR") or "/tmp/outpost-tests"
    os.makedirs(root, exist_ok=True)
    return tempfile.mkdtemp(prefix=name + "-", dir=root)


class Reply:
    def __init__(self, status, headers, body, seconds):
        self.status = status
        self.headers = headers
        self.body = body
        self.seconds = seconds

    def json(self):
        return json.loads(self.body)

    def header(self, name):
        return self.headers.get(name.lower())


def request(port, method, path, body=None, headers=None, timeout=10.0):
    """One request on a fresh connection. Returns a Reply, or None when the
    connection failed (refused, reset, closed without an answer, timed out)."""
    sent = dict(headers or {})
    sent.setdefault("Authorization", "Bearer " + TOKEN)
    data = None
    if body is not None:
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        sent["Content-Type"] = "application/json"
    started = time.monotonic()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, body=data, headers=sent)
        res = conn.getresponse()
        raw = res.read()
        got = {k.lower(): v for k, v in res.getheaders()}
        return Reply(res.status, got, raw.decode("utf-8", "replace"), time.monotonic() - started)
    except (OSError, http.client.HTTPException):
        return None
    finally:
        conn.close()


class Timeline:
    """Every request the load threads made: (started, finished, what, reply),
    monotonic seconds; and the ids of the cases whose create got a 201."""

    def __init__(self):
        self.lock = threading.Lock()
        self.rows = []
        self.created = []

    def add(self, started, what, reply):
        with self.lock:
            self.rows.append((started, time.monotonic(), what, reply))


class Server:
    """`outpost serve` on a free loopback port; start(), kill(), stop()."""

    def __init__(self, database_url, env=None, args=None):
        self.database_url = database_url
        self.dir = work_dir("server")
        self.extra_env = dict(env or {})
        self.args = list(args or [])
        self.proc = None
        self.port = 0
        self.key_file = os.path.join(self.dir, "signing-key")
        fd = os.open(self.key_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.write(fd, (SIGNING_KEY + "\n").encode())
        os.close(fd)
        self.log_path = os.path.join(self.dir, "server.log")

    def env(self):
        env = dict(os.environ)
        env.update(
            {
                "OUTPOST_BOOTSTRAP_TOKEN": TOKEN,
                "OUTPOST_PII_KEY": PII_KEY,
                "OUTPOST_AUDIT_SIGNING_KEY_FILE": self.key_file,
                "no_proxy": "127.0.0.1",
                "NO_PROXY": "127.0.0.1",
            }
        )
        env.update(self.extra_env)
        return env

    def start(self, limit=30.0):
        ready = os.path.join(self.dir, "ready")
        if os.path.exists(ready):
            os.remove(ready)
        log = open(self.log_path, "a", encoding="utf-8")
        self.proc = subprocess.Popen(
            [os.environ["OUTPOST_BINARY"], "serve", "--listen", "127.0.0.1:0", "--database",
             self.database_url, "--ready-file", ready] + self.args,
            env=self.env(), stdout=log, stderr=subprocess.STDOUT)
        log.close()
        until = time.monotonic() + limit
        while time.monotonic() < until:
            if os.path.exists(ready):
                text = open(ready, encoding="utf-8").read().strip()
                if text:
                    self.port = int(text.rsplit(":", 1)[1])
                    return
            if self.proc.poll() is not None:
                fail("outpost serve exited during start-up:\n" + self.log()[-3000:])
            time.sleep(0.02)
        fail("outpost serve not ready within %.0f s:\n%s" % (limit, self.log()[-3000:]))

    def kill(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()
        self.proc = None

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                return self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                return self.proc.wait()
        return None

    def log(self):
        try:
            return open(self.log_path, encoding="utf-8", errors="replace").read()
        except OSError:
            return ""

    def call(self, method, path, body=None, headers=None, timeout=10.0):
        return request(self.port, method, path, body, headers, timeout)

    def outpost(self, *args):
        """Runs `outpost ARGS --database URL` with the server's environment."""
        done = subprocess.run(
            [os.environ["OUTPOST_BINARY"]] + list(args) + ["--database", self.database_url],
            env=self.env(), capture_output=True, text=True, timeout=120)
        return done.returncode, done.stdout + done.stderr


def psql(url, sql):
    done = subprocess.run([PSQL, "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", url, "-c", sql],
                          capture_output=True, text=True, timeout=60)
    if done.returncode != 0:
        fail("psql failed: " + done.stderr)
    return done.stdout.strip()


def with_database(url, name):
    head, _, _ = url.rpartition("/")
    return head + "/" + name


class Database:
    """A fresh database on the backend under test: a SQLite file in `folder`,
    or a new database in the PostgreSQL cluster at `admin_url` (the shared
    fixture's by default). drop() removes it."""

    def __init__(self, folder=None, admin_url=None):
        self.backend = os.environ.get("OUTPOST_TEST_BACKEND", "sqlite")
        self.name = "outpost_r_%d_%d" % (os.getpid(), int(time.time() * 1000) % 10**9)
        if self.backend == "sqlite":
            self.path = os.path.join(folder or work_dir("db"), self.name + ".db")
            self.url = "sqlite:" + self.path
            self.admin_url = None
            return
        if admin_url is None:
            url_file = os.environ.get("OUTPOST_TEST_PG_URL_FILE", "")
            if not url_file or not os.path.exists(url_file):
                fail("OUTPOST_TEST_BACKEND=postgresql needs the postgres fixture (run via ctest)")
            admin_url = open(url_file, encoding="utf-8").read().strip()
        self.admin_url = admin_url
        psql(admin_url, "CREATE DATABASE " + self.name)
        self.url = with_database(admin_url, self.name)

    def drop(self):
        if self.admin_url:
            psql(self.admin_url, "DROP DATABASE IF EXISTS %s WITH (FORCE)" % self.name)
        else:
            for suffix in ("", "-wal", "-shm", ".key"):
                try:
                    os.remove(self.path + suffix)
                except OSError:
                    pass


class Receiver:
    """tests/support/webhook_receiver.py in a child process."""

    def __init__(self):
        self.dir = work_dir("receiver")
        self.log_path = os.path.join(self.dir, "log.jsonl")
        ready = os.path.join(self.dir, "ready")
        self.proc = subprocess.Popen(
            [sys.executable, os.path.join(SOURCE, "tests", "support", "webhook_receiver.py"),
             "--log", self.log_path, "--ready", ready],
            stderr=open(os.path.join(self.dir, "stderr.log"), "w", encoding="utf-8"))
        until = time.monotonic() + 10
        while not (os.path.exists(ready) and open(ready).read().strip()):
            if time.monotonic() > until:
                fail("the webhook receiver did not start")
            time.sleep(0.02)
        self.port = int(open(ready).read().strip().rsplit(":", 1)[-1])

    def url(self, path):
        return "http://127.0.0.1:%d%s" % (self.port, path)

    def records(self, event="received"):
        out = []
        try:
            with open(self.log_path, encoding="utf-8") as log:
                for line in log:
                    if line.strip():
                        r = json.loads(line)
                        if r.get("event") == event:
                            out.append(r)
        except OSError:
            pass
        return out

    def close(self):
        self.proc.terminate()
        self.proc.wait()


class TestClock:
    """The server's clock (OUTPOST_TEST_CLOCK_FILE): system time + an offset."""

    def __init__(self, folder):
        self.path = os.path.join(folder, "clock")
        self.offset_ms = 0
        self.set_offset(0)

    def set_offset(self, offset_ms):
        self.offset_ms = offset_ms
        tmp = self.path + ".new"
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(str(int(offset_ms)))
        os.replace(tmp, self.path)

    def env(self):
        return {"OUTPOST_TEST_CLOCK_FILE": self.path, "OUTPOST_DEADLINE_INTERVAL_MS": "100"}


def notify_config(folder, url, topics=None):
    """A config file delivering the outbox to `url` (quick retries); its path."""
    path = os.path.join(folder, "outpost.toml")
    with open(path, "w", encoding="utf-8") as f:
        f.write("[outbox]\npoll_interval_ms = 50\nretry_initial_ms = 100\nretry_max_ms = 500\n"
                "max_attempts = 100\ntimeout_ms = 2000\nlease_ms = 3000\n"
                "[[webhooks]]\nname = \"receiver\"\nurl = \"%s\"\n"
                "secret = \"reliability-test-secret-0123456789\"\n" % url)
        if topics:
            f.write("topics = %s\n" % json.dumps(topics))
    return path


def deadline_env(clock):
    """The server's environment for deadlines: the test clock, the 24x7 calendar."""
    env = clock.env()
    env["OUTPOST_CALENDAR"] = "calendar-24x7.json"
    return env


def load_loop(port, timeline, stop, n0, pause, timeout=5.0):
    """One client until `stop`: creates a case, dispatches it, reads it back,
    waits `pause` seconds; records every request on `timeline`."""
    n = n0
    last_case = None
    while not stop.is_set():
        n += 1
        started = time.monotonic()
        created = request(port, "POST", "/api/v1/cases", request_body(n), timeout=timeout)
        timeline.add(started, "create", created)
        if created is not None and created.status == 201:
            last_case = created.json()["id"]
            with timeline.lock:
                timeline.created.append(last_case)
            started = time.monotonic()
            event = request(port, "POST", "/api/v1/cases/%d/events" % last_case,
                            {"event": "dispatch", "department": "urban"}, timeout=timeout)
            timeline.add(started, "event", event)
        if last_case is not None:
            started = time.monotonic()
            read = request(port, "GET", "/api/v1/cases/%d" % last_case, timeout=timeout)
            timeline.add(started, "read", read)
        time.sleep(pause)


def start_load(port, timeline, stop, clients, pause, timeout=5.0):
    """`clients` threads running load_loop; returns them, started."""
    threads = [threading.Thread(target=load_loop,
                                args=(port, timeline, stop, i * 100000, pause, timeout))
               for i in range(clients)]
    for t in threads:
        t.start()
    return threads


def finish_load(stop, threads, timeline):
    """Stops the load threads; prints what they got; returns the timeline's rows."""
    stop.set()
    for t in threads:
        t.join()
    rows = timeline.rows
    say("%d requests: %s" % (len(rows), dict(collections.Counter(
        (w, r.status if r else "no answer") for _, _, w, r in rows))))
    return rows


def request_body(n):
    return {
        "kind": "request",
        "category": "facility_repair",
        "title": "路灯不亮 #%d" % n,
        "channel": "hotline",
        "location": {"community": "LF", "grid": "LF-G01"},
        "parties": [{"role": "applicant", "name": "王桂兰"}],
    }


def is_problem(reply):
    kind = reply.header("content-type") if reply is not None else None
    if not kind or not kind.startswith("application/problem+json"):
        return False
    try:
        body = reply.json()
    except ValueError:
        return False
    return body.get("status") == reply.status and "title" in body
