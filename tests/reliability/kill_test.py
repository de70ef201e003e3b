#!/usr/bin/env python3
"""SIGKILL under load (issue 19, item 1).

    kill_test.py [--rounds N] [--clients N] [--min-delay S] [--max-delay S] [--seed N]

Runs the real `outpost serve` on the backend OUTPOST_TEST_BACKEND names
(harness.py) under N client threads creating request cases and dispatching
them, kills it with SIGKILL after a random delay, restarts it, ROUNDS times in a
row; meanwhile the test clock jumps a day now and then so deadline timers fall
due while the server runs and while it is dead. Then it checks what a user
would notice:

  * every request that got a 2xx (create 201, dispatch 200) is stored, with
    its history entry at the version the answer gave;
  * no half-applied event: each case's version equals its number of history
    entries, its seqs run 1..version, its state is its last entry's to_state;
  * `outpost audit verify` passes (every chain and the signed log);
  * timers fire once: no case has two deadline_warning / deadline_breached /
    escalated rows for one step, and every case still waiting for dispatch has
    exactly one breach of it once its deadline is far past;
  * every outbox message reaches the webhook receiver, under its own id, with
    the same body every time, and no id arrives that the outbox does not hold.

CI runs 20 rounds at 0.3-1.5 s; scripts/kill_loop.sh runs more.
"""

import argparse
import collections
import json
import os
import random
import sqlite3
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import fail, say  # noqa: E402

DAY_MS = 24 * 3600 * 1000


class Ledger:
    """What the clients were told: acknowledged creates and events."""

    def __init__(self):
        self.lock = threading.Lock()
        self.created = {}  # case id -> version the 201 gave
        self.events = []  # (case id, version the 200 gave, event)
        self.statuses = collections.Counter()
        self.slowest = 0.0

    def count(self, reply):
        with self.lock:
            self.statuses["no answer" if reply is None else reply.status] += 1
            if reply is not None:
                self.slowest = max(self.slowest, reply.seconds)


def client_loop(server, ledger, stop, seed, pause):
    rng = random.Random(seed)
    n = 0
    while not stop.is_set():
        time.sleep(rng.uniform(0, 2 * pause))
        port = server.port
        if not port:
            time.sleep(0.05)
            continue
        n += 1
        created = harness.request(port, "POST", "/api/v1/cases", harness.request_body(n),
                                  timeout=15)
        ledger.count(created)
        if created is None or created.status != 201:
            time.sleep(0.02)
            continue
        case = created.json()
        with ledger.lock:
            ledger.created[case["id"]] = case["version"]
        if rng.random() < 0.5:
            continue  # stays submitted: its dispatch deadline will breach
        done = harness.request(port, "POST", "/api/v1/cases/%d/events" % case["id"],
                               {"event": "dispatch", "department": "urban"}, timeout=15)
        ledger.count(done)
        if done is not None and done.status == 200:
            with ledger.lock:
                ledger.events.append((case["id"], done.json()["version"], "dispatch"))


class Rows:
    """Read-only SQL on the database under test (the server may be running)."""

    def __init__(self, db):
        self.db = db

    def query(self, sql):
        if self.db.backend == "sqlite":
            conn = sqlite3.connect("file:%s?mode=ro" % self.db.path, uri=True, timeout=10)
            try:
                return [tuple(str(v) if v is not None else "" for v in row)
                        for row in conn.execute(sql)]
            finally:
                conn.close()
        out = harness.psql(self.db.url, sql)
        return [tuple(line.split("|")) for line in out.splitlines() if line]


def check_acknowledged(rows, ledger):
    versions = {int(i): int(v) for i, v in rows.query("SELECT id, version FROM cases")}
    entries = collections.defaultdict(dict)
    for case_id, seq, event in rows.query("SELECT case_id, seq, event FROM history"):
        entries[int(case_id)][int(seq)] = event
    lost = [i for i in ledger.created if i not in versions]
    if lost:
        fail("%d acknowledged creates are not stored, e.g. case %s" % (len(lost), lost[:5]))
    for case_id, version in ledger.created.items():
        if version != 1 or entries[case_id].get(1) not in ("submit", "register"):
            fail("case %d: created at version %d, first entry %s" %
                 (case_id, version, entries[case_id].get(1)))
    for case_id, version, event in ledger.events:
        if entries[case_id].get(version) != event:
            fail("case %d: acknowledged %s at version %d is not in its history (%s)" %
                 (case_id, event, version, entries[case_id]))
    say("acknowledged: %d creates and %d events all stored with their history entries" %
        (len(ledger.created), len(ledger.events)))
    return versions, entries


def check_whole(rows, versions, entries):
    states = {int(i): s for i, s in rows.query("SELECT id, state FROM cases")}
    last = {}
    for case_id, seq, to_state in rows.query("SELECT case_id, seq, to_state FROM history"):
        if int(seq) == versions.get(int(case_id)):
            last[int(case_id)] = to_state
    for case_id, version in versions.items():
        seqs = sorted(entries[case_id])
        if seqs != list(range(1, version + 1)):
            fail("case %d: version %d but history seqs %s (half-applied)" %
                 (case_id, version, seqs))
        if last.get(case_id) != states[case_id]:
            fail("case %d: state %s but its last entry says %s" %
                 (case_id, states[case_id], last.get(case_id)))
    orphans = rows.query("SELECT count(*) FROM history WHERE case_id NOT IN (SELECT id FROM cases)")
    if orphans[0][0] != "0":
        fail("history rows without a case: " + orphans[0][0])
    say("whole: %d cases, version == history entries == last seq, state == last to_state" %
        len(versions))


def check_timers(rows, server):
    firings = rows.query(
        "SELECT case_id, event, data FROM history WHERE actor = 'system' AND event IN "
        "('deadline_warning', 'deadline_breached', 'escalated')")
    per = collections.Counter()
    for case_id, event, data in firings:
        per[(int(case_id), event, json.loads(data).get("step", ""))] += 1
    twice = {k: n for k, n in per.items() if n > 1}
    if twice:
        fail("timers fired more than once: %s" % list(twice.items())[:5])
    waiting = [int(i) for (i,) in rows.query("SELECT id FROM cases WHERE state = 'submitted'")]
    missing = [i for i in waiting if per[(i, "deadline_breached", "dispatch")] != 1]
    if missing:
        fail("%d submitted cases without exactly one dispatch breach, e.g. %s" %
             (len(missing), missing[:5]))
    say("timers: %d firings, none twice; all %d submitted cases breached once" %
        (len(firings), len(waiting)))


def check_outbox(rows, receiver):
    messages = dict(rows.query("SELECT id, state FROM outbox"))
    not_delivered = [i for i, s in messages.items() if s != "delivered"]
    if not_delivered:
        fail("%d outbox messages not delivered, e.g. %s" % (len(not_delivered),
                                                            not_delivered[:5]))
    bodies = collections.defaultdict(set)
    for r in receiver.records("received"):
        bodies[r["headers"].get("x-outpost-message-id", "")].add(r["body"])
    strangers = [i for i in bodies if i not in messages]
    if strangers:
        fail("the receiver got ids the outbox does not hold: %s" % strangers[:5])
    unseen = [i for i in messages if i not in bodies]
    if unseen:
        fail("%d delivered messages never reached the receiver, e.g. %s" % (len(unseen),
                                                                            unseen[:5]))
    changed = [i for i, b in bodies.items() if len(b) != 1]
    if changed:
        fail("messages delivered with different bodies under one id: %s" % changed[:5])
    arrivals = len(receiver.records("received"))
    say("outbox: %d messages, each received under its id (%d arrivals, %d repeats by id)" %
        (len(messages), arrivals, arrivals - len(messages)))


def wait_until(remaining, stall, what):
    """Waits until remaining() is 0; fails when it has not dropped for `stall`
    seconds (a long run leaves thousands of timers and messages: the time they
    take grows with their number, but they must keep moving)."""
    best = remaining()
    moved = time.monotonic()
    while best > 0:
        time.sleep(0.2)
        now = remaining()
        if now < best:
            best, moved = now, time.monotonic()
        elif time.monotonic() - moved > stall:
            fail("waiting for %s: %d left, none done for %.0f s" %
                 (what() if callable(what) else what, best, stall))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=20)
    ap.add_argument("--clients", type=int, default=16)
    ap.add_argument("--min-delay", type=float, default=0.3)
    ap.add_argument("--max-delay", type=float, default=1.5)
    ap.add_argument("--pause", type=float, default=0.3,
                    help="mean seconds a client waits before its next case")
    ap.add_argument("--seed", type=int, default=int(time.time()))
    opts = ap.parse_args()
    rng = random.Random(opts.seed)
    say("backend %s, %d rounds, %d clients, seed %d" %
        (os.environ.get("OUTPOST_TEST_BACKEND", "sqlite"), opts.rounds, opts.clients, opts.seed))

    folder = harness.work_dir("kill")
    db = harness.Database(folder)
    receiver = harness.Receiver()
    clock = harness.TestClock(folder)
    config = harness.notify_config(folder, receiver.url("/ok/all"))
    env = harness.deadline_env(clock)
    server = harness.Server(db.url, env, ["--config", config])
    ledger = Ledger()
    stop = threading.Event()
    try:
        began = time.monotonic()
        server.start()
        workers = [threading.Thread(target=client_loop, args=(server, ledger, stop, opts.seed + i, opts.pause))
                   for i in range(opts.clients)]
        for w in workers:
            w.start()
        for round_no in range(opts.rounds):
            time.sleep(rng.uniform(opts.min_delay, opts.max_delay))
            server.kill()
            server.port = 0
            if rng.random() < 0.3:  # deadlines fall due while the server is dead
                clock.set_offset(clock.offset_ms + DAY_MS)
            server.start()
            if rng.random() < 0.3:  # and while it runs
                clock.set_offset(clock.offset_ms + DAY_MS)
        time.sleep(rng.uniform(opts.min_delay, opts.max_delay))
        stop.set()
        for w in workers:
            w.join()
        loaded_at = time.monotonic()
        say("load: %s; slowest answer %.2f s; %.1f s for %d kills" %
            (dict(ledger.statuses), ledger.slowest, loaded_at - began, opts.rounds))
        if not ledger.created:
            fail("no create was acknowledged: the load did not run")
        unexpected = {s: n for s, n in ledger.statuses.items()
                      if s not in (200, 201, 503, "no answer")}
        if unexpected:
            fail("answers other than 2xx, 503 or a dropped connection: %s\n%s" %
                 (unexpected, server.log()[-4000:]))

        rows = Rows(db)
        # Every deadline far past: each waiting case breaches (once) now.
        clock.set_offset(clock.offset_ms + 60 * DAY_MS)
        waiting = len(rows.query("SELECT id FROM cases WHERE state = 'submitted'"))
        wait_until(lambda: waiting - int(rows.query(
            "SELECT count(DISTINCT case_id) FROM history h JOIN cases c ON c.id = h.case_id "
            "WHERE c.state = 'submitted' AND h.event = 'deadline_breached'")[0][0]),
            60, "every waiting case's breach")
        wait_until(lambda: int(rows.query(
            "SELECT count(*) FROM outbox WHERE state <> 'delivered'")[0][0]),
            60, lambda: "the outbox to drain: %s" % rows.query(
                "SELECT state, count(*), max(attempts), min(next_attempt_at), max(last_error) "
                "FROM outbox GROUP BY state"))
        say("timers and outbox settled in %.1f s" % (time.monotonic() - loaded_at))
        time.sleep(1.0)  # a second firing or delivery would land by now
        code = server.stop()
        if code != 0:
            fail("the server did not stop cleanly (%s):\n%s" % (code, server.log()[-3000:]))

        versions, entries = check_acknowledged(rows, ledger)
        check_whole(rows, versions, entries)
        check_timers(rows, server)
        check_outbox(rows, receiver)
        code, out = server.outpost("audit", "verify")
        if code != 0:
            fail("outpost audit verify failed (%d):\n%s" % (code, out))
        say("audit verify: " + out.strip().splitlines()[-1] if out.strip() else "audit verify: ok")
        if db.backend == "sqlite":
            conn = sqlite3.connect(db.path)
            verdict = conn.execute("PRAGMA integrity_check").fetchone()[0]
            conn.close()
            if verdict != "ok":
                fail("PRAGMA integrity_check: " + verdict)
        say("PASS")
    finally:
        stop.set()
        server.kill()
        receiver.close()
        db.drop()


if __name__ == "__main__":
    main()
