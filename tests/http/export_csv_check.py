#!/usr/bin/python3
"""Reads an export's CSV the way a spreadsheet user's tools would (Python's
csv module) and prints what the test checks, as JSON on stdout:
  {"bom": true, "record_ends": "crlf" | "<what else was found>",
   "header": [...], "rows": [[...], ...]}
Usage: export_csv_check.py FILE
"""
import csv
import io
import json
import sys

raw = open(sys.argv[1], "rb").read()
bom = raw.startswith(b"\xef\xbb\xbf")
text = raw.decode("utf-8-sig")

# Every record must end with CRLF; a bare LF or CR may only sit inside a
# quoted field (RFC 4180).
ends = "crlf"
quoted = False
i = 0
while i < len(text):
    ch = text[i]
    if ch == '"':
        quoted = not quoted
    elif not quoted and ch == "\r":
        if i + 1 >= len(text) or text[i + 1] != "\n":
            ends = "bare CR at %d" % i
            break
        i += 1
    elif not quoted and ch == "\n":
        ends = "bare LF at %d" % i
        break
    i += 1
if not text.endswith("\r\n"):
    ends = "no CRLF at the end"

rows = list(csv.reader(io.StringIO(text, newline=""), strict=True))
json.dump({"bom": bom, "record_ends": ends, "header": rows[0] if rows else [],
           "rows": rows[1:]}, sys.stdout, ensure_ascii=False)
