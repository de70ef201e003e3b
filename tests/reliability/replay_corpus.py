#!/usr/bin/env python3
"""Replays the bad-input corpus (generate_corpus.py documents its format)
against a running server over raw sockets and judges every answer.

  replay_corpus.py --port 8080 --token T --case 1 --api-key K --timeout 1 CORPUS_DIR

Prints one JSON object: the number of cases per category and every failure
(id, note, why, what came back); exits 1 when any case failed. Ordinary cases
run 8 at a time, each on its own connection: send the bytes, half-close, read
until the server closes (at most 10 s, else "hang"). Slow cases run all at
once: pieces `interval` apart, then silence, until the server closes; it must
close between 0.5 and 2 x --timeout + 2.5 seconds after the connect (a header
time-out, then a body time-out), answering nothing or a 408 problem.
"""
import argparse
import json
import os
import select
import socket
import sys
import time
from concurrent.futures import ThreadPoolExecutor

HANG_SECONDS = 10


def load(directory, values):
    cases = []
    for name in sorted(os.listdir(directory)):
        if not name.endswith(".jsonl"):
            continue
        with open(os.path.join(directory, name), encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    cases.append(json.loads(line))

    def fill(text):
        for key, value in values.items():
            text = text.replace("{" + key + "}", value)
        return text.encode("latin-1")

    def pieces(items):
        out = []
        for p in items:
            out.append(fill(p["repeat"]) * p["times"] if isinstance(p, dict) else fill(p))
        return out

    for case in cases:
        send = case["send"] if isinstance(case["send"], list) else [case["send"]]
        case["bytes"] = b"".join(pieces(send))
        case["piece_bytes"] = pieces(case.get("pieces", []))
    return cases


def parse_responses(data):
    """The responses in `data` as (status, headers, body); a trailing
    incomplete one is reported as status -1."""
    out = []
    while data:
        end = data.find(b"\r\n\r\n")
        if end < 0:
            out.append((-1, {}, data))
            break
        lines = data[:end].decode("latin-1").split("\r\n")
        parts = lines[0].split(" ", 2)
        try:
            status = int(parts[1])
        except (IndexError, ValueError):
            out.append((-1, {}, data))
            break
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        rest = data[end + 4:]
        if headers.get("transfer-encoding", "").lower() == "chunked":
            body = b""
            while True:
                size_end = rest.find(b"\r\n")
                if size_end < 0:
                    return out + [(-1, headers, rest)]
                size = int(rest[:size_end].split(b";")[0], 16)
                rest = rest[size_end + 2:]
                if size == 0:
                    rest = rest[rest.find(b"\r\n") + 2:]
                    break
                body += rest[:size]
                rest = rest[size + 2:]
        elif status in (100, 204, 304):
            body = b""
        else:
            length = int(headers.get("content-length", "0"))
            if len(rest) < length:
                return out + [(-1, headers, rest)]
            body, rest = rest[:length], rest[length:]
        if status != 100:
            out.append((status, headers, body))
        data = rest
    return out


def judge_answer(case, status, headers, body):
    """Why one answer is wrong, or None."""
    if not 400 <= status <= 499:
        return f"status {status}, not a 4xx"
    try:
        doc = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return "the body is not JSON"
    ctype = headers.get("content-type", "")
    if case["expect"] == "open311":
        if not ctype.startswith("application/json"):
            return f"Content-Type {ctype!r}, not Open311's application/json"
        ok = isinstance(doc, list) and doc and all(
            isinstance(e, dict) and e.get("code") == status and isinstance(e.get("description"), str)
            and e["description"] for e in doc)
        return None if ok else "not an Open311 error list"
    if ctype != "application/problem+json":
        return f"Content-Type {ctype!r}, not application/problem+json"
    ok = (isinstance(doc, dict) and isinstance(doc.get("type"), str) and isinstance(doc.get("title"), str)
          and doc["title"] and doc.get("status") == status)
    return None if ok else "not a problem with type, title and status"


def judge(case, answers, closed):
    if not closed:
        return "the server neither answered in full nor closed (hang)"
    if not answers:
        return None if case["expect"] in ("problem_or_closed", "slow") else "closed without an answer"
    if answers[-1][0] == -1:
        return "an answer cut short"
    if "status" in case and answers[0][0] != case["status"]:
        return f"status {answers[0][0]}, expected {case['status']}"
    first = 0
    if case.get("allow_first") == "2xx":
        if not 200 <= answers[0][0] <= 299:
            return f"status {answers[0][0]} for the complete first request"
        first = 1
    for status, headers, body in answers[first:]:
        if case["expect"] == "slow" and status != 408:
            return f"status {status} for a slow request, expected none or 408"
        why = judge_answer(case, status, headers, body)
        if why:
            return why
    return None


def connect(port):
    s = socket.create_connection(("127.0.0.1", port), timeout=HANG_SECONDS)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s


def read_to_close(s, deadline):
    data = b""
    while time.monotonic() < deadline:
        s.settimeout(max(0.01, deadline - time.monotonic()))
        try:
            chunk = s.recv(65536)
        except socket.timeout:
            break
        except (ConnectionResetError, BrokenPipeError):
            return data, True
        if not chunk:
            return data, True
        data += chunk
    return data, False


def run_plain(case, port):
    s = connect(port)
    deadline = time.monotonic() + HANG_SECONDS
    try:
        try:
            s.sendall(case["bytes"])
            s.shutdown(socket.SHUT_WR)
        except (BrokenPipeError, ConnectionResetError):
            pass  # refused before it was all sent: what came back is judged
        data, closed = read_to_close(s, deadline)
    finally:
        s.close()
    answers = parse_responses(data)
    return judge(case, answers, closed), data


def run_slow(case, port, timeout):
    start = time.monotonic()
    s = connect(port)
    s.setblocking(False)
    pieces = list(case["piece_bytes"])
    next_send = start
    data, closed = b"", False
    try:
        while time.monotonic() - start < 4 * timeout + 10:
            now = time.monotonic()
            if pieces and now >= next_send:
                try:
                    s.send(pieces.pop(0))
                except (BlockingIOError, BrokenPipeError, ConnectionResetError):
                    pass
                next_send = now + case["interval"]
            readable, _, _ = select.select([s], [], [], 0.02)
            if readable:
                try:
                    chunk = s.recv(65536)
                except (ConnectionResetError, BrokenPipeError):
                    chunk = b""
                if not chunk:
                    closed = True
                    break
                data += chunk
    finally:
        s.close()
    after = time.monotonic() - start
    why = judge(case, parse_responses(data), closed)
    if not why and not 0.5 * timeout <= after <= 2 * timeout + 2.5:
        why = f"closed after {after:.2f} s, outside 0.5 .. {2 * timeout + 2.5} s"
    return why, data, round(after, 2)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--token", required=True)
    ap.add_argument("--case", required=True)
    ap.add_argument("--api-key", required=True)
    ap.add_argument("--timeout", type=float, required=True, help="the server's read/idle time-out, s")
    ap.add_argument("--only", default="", help="run only the cases whose id starts with this")
    ap.add_argument("corpus")
    args = ap.parse_args()
    cases = load(args.corpus, {"TOKEN": args.token, "CASE": args.case, "API_KEY": args.api_key})
    cases = [c for c in cases if c["id"].startswith(args.only)]
    by_category, failures, slow_seconds = {}, [], {}
    for c in cases:
        by_category[c["id"].split("/")[0]] = by_category.get(c["id"].split("/")[0], 0) + 1

    def record(case, why, data):
        if why:
            failures.append({"id": case["id"], "note": case["note"], "why": why,
                             "answer": data[:600].decode("latin-1")})

    started = time.monotonic()
    slow = [c for c in cases if c["expect"] == "slow"]
    plain = [c for c in cases if c["expect"] != "slow"]
    with ThreadPoolExecutor(max_workers=len(slow) or 1) as slow_pool, ThreadPoolExecutor(max_workers=8) as pool:
        slow_futures = [(c, slow_pool.submit(run_slow, c, args.port, args.timeout)) for c in slow]
        for case, future in [(c, pool.submit(run_plain, c, args.port)) for c in plain]:
            why, data = future.result()
            record(case, why, data)
        for case, future in slow_futures:
            why, data, after = future.result()
            slow_seconds[case["id"]] = after
            record(case, why, data)
    print(json.dumps({"cases": len(cases), "by_category": by_category, "failures": failures,
                      "slow_closed_after_seconds": slow_seconds,
                      "seconds": round(time.monotonic() - started, 1)}, ensure_ascii=False, indent=1))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
