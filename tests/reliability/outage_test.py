#!/usr/bin/env python3
"""PostgreSQL stopped under load (issue 19, item 2).

    outage_test.py [--clients N] [--down S]

Starts a PostgreSQL cluster of its own (tests/support/pg_fixture.sh; the
shared fixture is never stopped), runs the real `outpost serve` on it under N
client threads (creates, reads, events), stops PostgreSQL for S seconds
(default 10) and starts it again. Checks:

  * while it is down every answer comes within 1 s (no hung request) and is
    503 problem+json with Retry-After; `/readyz` says 503 too;
  * within 5 s of its return requests succeed again, and from then on every
    request succeeds, without a server restart;
  * every acknowledged create is stored afterwards;
  * the background threads are not stuck either: after the outage a case
    dispatched reaches the webhook receiver (outbox deliverer) and a deadline
    moved into the past by the test clock breaches (deadline ticker).
"""

import argparse
import os
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import fail, say  # noqa: E402

FIXTURE = os.path.join(harness.SOURCE, "tests", "support", "pg_fixture.sh")
PATIENCE = 5.0  # seconds a request may take before we call it hung


def fixture(command, folder):
    done = subprocess.run([FIXTURE, command, folder], capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        fail("pg_fixture.sh %s failed: %s%s" % (command, done.stdout, done.stderr))


def health_loop(port, log, stop):
    while not stop.is_set():
        started = time.monotonic()
        log.add(started, "readyz", harness.request(port, "GET", "/readyz", timeout=PATIENCE))
        time.sleep(0.1)


def eventually(predicate, limit):
    until = time.monotonic() + limit
    while time.monotonic() < until:
        if predicate():
            return True
        time.sleep(0.1)
    return predicate()


def check_background(server, receiver, clock, db):
    """The outbox deliverer and the deadline ticker survived the outage."""
    created = server.call("POST", "/api/v1/cases", harness.request_body(0))
    if created is None or created.status != 201:
        fail("a create after the outage failed")
    case = created.json()["id"]
    done = server.call("POST", "/api/v1/cases/%d/events" % case,
                       {"event": "dispatch", "department": "urban"})
    if done is None or done.status != 200:
        fail("a dispatch after the outage failed")
    prefix = "c%d." % case
    if not eventually(lambda: any(r["headers"].get("x-outpost-message-id", "").startswith(prefix)
                                  for r in receiver.records()), 10):
        fail("the dispatch after the outage never reached the webhook:\n" +
             server.log()[-3000:])
    # Every case's deadline far past: the ticker starts breaching them (all
    # of them take a while; one is enough to show it runs).
    clock.set_offset(60 * 24 * 3600 * 1000)
    sql = "SELECT count(*) FROM history WHERE actor = 'system'"
    if not eventually(lambda: harness.psql(db.url, sql) != "0", 20):
        fail("no deadline breach after the outage:\n" + server.log()[-3000:])
    say("after the outage: the webhook got case %d's dispatch; deadlines breach again" % case)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--clients", type=int, default=16)
    ap.add_argument("--down", type=float, default=10.0)
    opts = ap.parse_args()
    folder = harness.work_dir("outage")
    pg = os.path.join(folder, "pg")
    fixture("start", pg)
    server = None
    receiver = None
    stop = threading.Event()
    try:
        admin = open(os.path.join(pg, "url"), encoding="utf-8").read().strip()
        db = harness.Database(admin_url=admin)
        receiver = harness.Receiver()
        clock = harness.TestClock(folder)
        config = harness.notify_config(folder, receiver.url("/ok/dispatched"),
                                       ["case.dispatched"])
        env = harness.deadline_env(clock)
        server = harness.Server(db.url, env, ["--config", config])
        server.start()
        log = harness.Timeline()
        threads = harness.start_load(server.port, log, stop, opts.clients, 0.15, PATIENCE)
        threads.append(threading.Thread(target=health_loop, args=(server.port, log, stop)))
        threads[-1].start()
        time.sleep(3)
        fixture("pause", pg)
        down_at = time.monotonic()
        say("PostgreSQL stopped")
        time.sleep(opts.down)
        up_at = time.monotonic()
        fixture("resume", pg)
        back_at = time.monotonic()
        say("PostgreSQL started again (%.1f s to start)" % (back_at - up_at))
        time.sleep(8)
        rows = harness.finish_load(stop, threads, log)
        # While down: requests that started at least 0.5 s after the stop and
        # finished before the start began.
        during = [r for r in rows if r[0] >= down_at + 0.5 and r[1] <= up_at]
        if len(during) < 50:
            fail("only %d requests ran while PostgreSQL was down" % len(during))
        slowest = max(f - s for s, f, _, _ in during)
        say("while down: %d requests, slowest %.3f s" % (len(during), slowest))
        for started, finished, what, reply in during:
            if reply is None:
                fail("%s at +%.1f s got no answer (hung or dropped)" % (what, started - down_at))
            if reply.status != 503 or not harness.is_problem(reply) or \
                    not reply.header("retry-after"):
                fail("%s at +%.1f s while PostgreSQL was down: %d %s %s" %
                     (what, started - down_at, reply.status, reply.headers, reply.body[:300]))
            if finished - started > 1.0:
                fail("%s at +%.1f s took %.2f s (> 1 s)" %
                     (what, started - down_at, finished - started))
        hung = [r for r in rows if r[3] is None]
        if hung:
            fail("%d requests got no answer at all, e.g. %s at +%.1f s" %
                 (len(hung), hung[0][2], hung[0][0] - down_at))
        # After: the first success, and from back + 5 s on only successes.
        ok_after = [s for s, _, w, r in rows if s >= back_at and r.status in (200, 201)
                    and w != "readyz"]
        if not ok_after:
            fail("no request succeeded after PostgreSQL came back:\n" + server.log()[-3000:])
        say("first success %.2f s after PostgreSQL was back" % (min(ok_after) - back_at))
        late = [(w, r.status, r.body[:200]) for s, _, w, r in rows
                if s >= back_at + 5.0 and r.status not in (200, 201)]
        if late:
            fail("%d requests failed more than 5 s after PostgreSQL was back, e.g. %s" %
                 (len(late), late[:3]))
        if min(ok_after) - back_at > 5.0:
            fail("requests succeeded only %.1f s after PostgreSQL was back" %
                 (min(ok_after) - back_at))
        stored = set(int(x) for x in harness.psql(db.url, "SELECT id FROM cases").split())
        lost = [i for i in log.created if i not in stored]
        if lost:
            fail("acknowledged creates not stored: %s" % lost[:5])
        check_background(server, receiver, clock, db)
        if server.proc.poll() is not None:
            fail("the server exited")
        say("PASS")
    finally:
        stop.set()
        if server:
            server.kill()
        if receiver:
            receiver.close()
        fixture("stop", pg)


if __name__ == "__main__":
    main()
