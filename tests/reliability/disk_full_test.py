#!/usr/bin/env python3
"""SQLite on a full disk (issue 19, item 2).

    disk_full_test.py [--clients N] [--size-mb N]

Mounts a small tmpfs (root only: without the right to mount it prints why and
skips), puts the SQLite database on it, runs the real `outpost serve` under N
client threads creating cases and applying events, then fills the file
system. Checks:

  * while it is full every write answers 503 or 507 problem+json (with
    Retry-After on 503) within 1 s, reads still answer 200, the server stays up;
  * after the filler is removed writes succeed again without a restart;
  * every acknowledged create is stored and `PRAGMA integrity_check` says ok.

The file system is unmounted on every path.
"""

import argparse
import os
import sqlite3
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import fail, say  # noqa: E402

SKIP_CODE = 77  # CTest SKIP_RETURN_CODE


def fill(folder):
    """Writes a filler file until the file system is full; returns its path."""
    path = os.path.join(folder, "filler")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        for size in (1 << 20, 1 << 16, 1 << 12, 512, 1):
            try:
                while True:
                    os.write(fd, b"\0" * size)
            except OSError:
                pass
    finally:
        os.close(fd)
    return path


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--clients", type=int, default=16)
    ap.add_argument("--size-mb", type=int, default=16)
    opts = ap.parse_args()
    mount = harness.work_dir("disk-full")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=%dm" % opts.size_mb, "tmpfs",
                           mount], capture_output=True, text=True)
    if done.returncode != 0:
        say("SKIP: cannot mount a tmpfs here (needs root): " + done.stderr.strip())
        os.rmdir(mount)
        sys.exit(SKIP_CODE)
    server = None
    stop = threading.Event()
    try:
        db = harness.Database(mount)
        server = harness.Server(db.url)
        server.start()
        log = harness.Timeline()
        threads = harness.start_load(server.port, log, stop, opts.clients, 0.05)
        time.sleep(2)
        filler = fill(mount)
        full_at = time.monotonic()
        say("file system full (%d bytes of filler)" % os.path.getsize(filler))
        time.sleep(5)
        os.remove(filler)
        freed_at = time.monotonic()
        say("space freed")
        time.sleep(5)
        rows = harness.finish_load(stop, threads, log)
        if server.proc.poll() is not None:
            fail("the server exited:\n" + server.log()[-3000:])
        dropped = [r for r in rows if r[3] is None]
        if dropped:
            fail("%d requests got no answer, e.g. %s at +%.1f s:\n%s" %
                 (len(dropped), dropped[0][2], dropped[0][0] - full_at, server.log()[-3000:]))
        # Full: from 0.5 s after the disk filled until it was freed.
        during = [r for r in rows if r[0] >= full_at + 0.5 and r[1] <= freed_at]
        writes = [r for r in during if r[2] in ("create", "event")]
        if len(writes) < 20:
            fail("only %d writes ran while the disk was full" % len(writes))
        for started, finished, what, reply in during:
            if finished - started > 1.0:
                fail("%s at +%.1f s took %.2f s (> 1 s)" %
                     (what, started - full_at, finished - started))
            if what == "read":
                if reply.status != 200:
                    fail("a read on a full disk: %d %s" % (reply.status, reply.body[:300]))
                continue
            if reply.status not in (503, 507) or not harness.is_problem(reply) or \
                    (reply.status == 503 and not reply.header("retry-after")):
                fail("%s at +%.1f s on a full disk: %d %s %s" %
                     (what, started - full_at, reply.status, reply.headers, reply.body[:300]))
        say("while full: %d writes refused with 503/507 problem+json, %d reads served" %
            (len(writes), len(during) - len(writes)))
        after = [r for r in rows if r[0] >= freed_at + 1.0 and r[2] in ("create", "event")]
        bad = [(w, r.status, r.body[:200]) for _, _, w, r in after if r.status not in (200, 201)]
        if not after or bad:
            fail("writes after space returned: %d, failing: %s" % (len(after), bad[:3]))
        say("after freeing: %d writes, all succeeded" % len(after))
        if server.stop() != 0:
            fail("the server did not stop cleanly:\n" + server.log()[-3000:])
        conn = sqlite3.connect(db.path)
        verdict = conn.execute("PRAGMA integrity_check").fetchone()[0]
        stored = set(i for (i,) in conn.execute("SELECT id FROM cases"))
        conn.close()
        if verdict != "ok":
            fail("PRAGMA integrity_check: " + verdict)
        lost = [i for i in log.created if i not in stored]
        if lost:
            fail("acknowledged creates not stored: %s" % lost[:5])
        say("integrity_check ok; %d acknowledged creates stored" % len(log.created))
        say("PASS")
    finally:
        stop.set()
        if server:
            server.kill()
        subprocess.run(["umount", "-l", mount], check=False)
        os.rmdir(mount)


if __name__ == "__main__":
    main()
