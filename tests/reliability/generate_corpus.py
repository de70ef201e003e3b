#!/usr/bin/env python3
"""Writes the bad-input corpus (tests/reliability/corpus/*.jsonl) that
replay_corpus.py sends to a real server.

One JSON object per line:
  id       category/number, stable
  send     the raw request: a string whose characters are bytes (U+0000..U+00FF),
           or a list of such strings and {"repeat": s, "times": n} pieces
           (oversized bodies without multi-megabyte files)
  expect   "problem"  a 4xx application/problem+json with type, title, status
           "open311"  a 4xx Open311 error list [{"code", "description"}]
           "problem_or_closed"  a problem, or the server closes without answering
                      (a request cut short: the replayer half-closes after sending)
           "slow"     sent piece by piece (`pieces`, `interval` seconds apart, then
                      silence): the server closes within the configured time-out,
                      with at most a 408 problem before
  status   optional: the exact status expected
  note     what the case is about
Placeholders the replayer fills in: {TOKEN} (an admin's bearer token), {CASE}
(an existing case's id), {API_KEY} (an Open311 channel's key).
Every answer of a case must be a refusal: a smuggled second request that the
server served (2xx) fails the case, and the test compares the database before
and after. Re-run after editing: python3 tests/reliability/generate_corpus.py
"""
import json
import os

AUTH = "Authorization: Bearer {TOKEN}\r\n"
JSON_CT = "Content-Type: application/json\r\n"
FORM_CT = "Content-Type: application/x-www-form-urlencoded\r\n"


def latin1(b):
    return b.decode("latin-1") if isinstance(b, bytes) else b


def req(method, target, body=b"", headers="", auth=True, version="HTTP/1.1", length=True):
    body = latin1(body)
    head = f"{method} {target} {version}\r\nHost: outpost.test\r\n"
    if auth:
        head += AUTH
    head += headers
    if length and body:
        head += f"Content-Length: {len(body.encode('latin-1'))}\r\n"
    return head + "\r\n" + body


def post_json(target, body, extra=""):
    return req("POST", target, body, JSON_CT + extra)


class Corpus:
    def __init__(self):
        self.files = {}

    def add(self, category, send, expect="problem", note="", status=None, **more):
        pieces = send if isinstance(send, list) else [send]
        for piece in pieces + list(more.get("pieces", [])):
            text = piece["repeat"] if isinstance(piece, dict) else piece
            assert all(ord(ch) < 256 for ch in text), (category, note)
        cases = self.files.setdefault(category, [])
        case = {"id": f"{category}/{len(cases) + 1:03d}", "send": send, "expect": expect}
        if status is not None:
            case["status"] = status
        case.update(more)
        case["note"] = note
        cases.append(case)

    def write(self, directory):
        for category, cases in self.files.items():
            with open(os.path.join(directory, category + ".jsonl"), "w", encoding="utf-8") as f:
                for case in cases:
                    f.write(json.dumps(case, ensure_ascii=True) + "\n")


CASES = "/api/v1/cases"
EVENTS = "/api/v1/cases/{CASE}/events"
NOTES = "/api/v1/cases/{CASE}/notes"
ATTACH = "/api/v1/cases/{CASE}/attachments"
# A request that would succeed if a server served it: hidden behind a first one
# by a smuggling shape, it must not be answered 2xx.
SMUGGLED = "GET /api/v1/cases/{CASE} HTTP/1.1\r\nHost: outpost.test\r\n" + AUTH + "\r\n"


def request_lines(c):
    cat = "request_line"
    lines = [
        ("GET", "bare method"),
        ("GET /api/v1/cases", "no version"),
        ("GET /api/v1/cases HTTP/1.1 extra", "a fourth token"),
        ("GET  /api/v1/cases HTTP/1.1", "two spaces after the method"),
        ("GET /api/v1/cases  HTTP/1.1", "two spaces before the version"),
        ("GET\t/api/v1/cases\tHTTP/1.1", "tabs as separators"),
        (" GET /api/v1/cases HTTP/1.1", "leading space"),
        ("GET /api/v1/cases HTTP/2.0", "HTTP/2.0 in an HTTP/1 line"),
        ("GET /api/v1/cases HTTP/3", "HTTP/3"),
        ("GET /api/v1/cases HTTP/1.10", "version 1.10"),
        ("GET /api/v1/cases HTTP/01.1", "version 01.1"),
        ("GET /api/v1/cases HTTPS/1.1", "HTTPS as protocol"),
        ("GET /api/v1/cases http/1.1", "lower-case protocol"),
        ("GET /api/v1/cases HTTP/1.", "truncated version"),
        ("GET /api/v1/cases HTTP/a.b", "letters as version"),
        ("GET /api/v1/cases FTP/1.1", "another protocol"),
        ("G@T /api/v1/cases HTTP/1.1", "a separator in the method"),
        ("GE\x00T /api/v1/cases HTTP/1.1", "NUL in the method"),
        ("GET /api/v1/ca\x00ses HTTP/1.1", "NUL in the target"),
        ("GET /api/v1/ca ses HTTP/1.1", "a space in the target"),
        ("GET /api/v1/ca\x7fses HTTP/1.1", "DEL in the target"),
        ("GET /api/v1/ca\x01ses HTTP/1.1", "a control character in the target"),
        ("GET /api/v1/\xff\xfe HTTP/1.1", "raw non-ASCII bytes in the target"),
        ("GET /api/v1/案件 HTTP/1.1".encode("utf-8").decode("latin-1"), "raw UTF-8 in the target"),
        ("GET api/v1/cases HTTP/1.1", "a target without its leading slash"),
        ("GET * HTTP/1.1", "asterisk form on GET"),
        ("OPTIONS * HTTP/1.1", "asterisk form"),
        ("CONNECT outpost.test:443 HTTP/1.1", "CONNECT authority form"),
        ("GET http://outpost.test:99999/api/v1/cases HTTP/1.1", "absolute form with a bad port"),
        ("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", "a TLS ClientHello on the plain port"),
        ("PRI * HTTP/2.0\r\n\r\nSM", "the HTTP/2 connection preface"),
        ("get /api/v1/cases HTTP/1.1", "lower-case method"),
        ("BREW /api/v1/cases HTTP/1.1", "an unknown method"),
        ("DELETE /api/v1/cases HTTP/1.1", "a method the route does not have"),
        ("PATCH /api/v1/cases/{CASE} HTTP/1.1", "PATCH on a case"),
        ("TRACE /api/v1/cases HTTP/1.1", "TRACE"),
        ("GET /" + "a" * 9000 + " HTTP/1.1", "a request line over the header limit"),
        ("GET /api/v1/cases?" + "q=" * 5000 + " HTTP/1.1", "a query over the header limit"),
        ("\r\n\r\n\r\nGET", "blank lines then a cut line"),
        ("HTTP/1.1 200 OK", "a response line sent as a request"),
        ("GET /api/v1/cases HTTP/1.1\rHost: x", "a bare CR in the request line"),
        ("GET /api/v1/cases\x0bHTTP/1.1", "a vertical tab as separator"),
    ]
    for line, note in lines:
        c.add(cat, line + "\r\nHost: outpost.test\r\n" + AUTH + "\r\n", "problem_or_closed", note)


def headers(c):
    cat = "headers"
    target = "GET /api/v1/cases/{CASE} HTTP/1.1\r\nHost: outpost.test\r\n"
    bad = [
        ("X-No-Colon\r\n", "a header without a colon"),
        ("X-Space : v\r\n", "a space before the colon"),
        (": no-name\r\n", "an empty header name"),
        ("X(Bad): v\r\n", "a separator in the name"),
        ("X-Bad\x00: v\r\n", "NUL in the name"),
        ("X-Value: a\x00b\r\n", "NUL in the value"),
        ("X-Value: a\rb\r\n", "a bare CR in the value"),
        ("X-Value: a\x01b\r\n", "a control character in the value"),
        ("\tX-Tab: v\r\n", "a header line starting with a tab"),
        ("X-Long: " + "v" * 9000 + "\r\n", "one value over the header limit"),
        ("".join(f"X-H{i}: {'v' * 40}\r\n" for i in range(200)), "many headers over the limit"),
        ("Cookie: " + "c=" * 4600 + "\r\n", "a huge cookie"),
        ("Host: second.test\r\n", "a second Host (regression: was served)"),
        ("X-Newline: a\nb: c\r\n", "a bare LF splitting a value"),
    ]
    for extra, note in bad:
        c.add(cat, target + AUTH + extra + "\r\n", "problem_or_closed", note)
    # Shapes RFC 9112 lets a server accept (obs-fold, obs-text): the request is
    # read as if the field were plain, so its own refusal (an unknown event) comes back.
    for extra, note in [("X-Fold: a\r\n  folded\r\n", "obsolete line folding"),
                        ("X-Value: \xff\xfe\xfd\r\n", "non-UTF-8 bytes in a value")]:
        c.add(cat, post_json(EVENTS, '{"event":"teleport"}', extra), "problem", note, status=422)
    auth_forms = [
        ("Authorization: Bearer\r\n", "Bearer without a token"),
        ("Authorization: Bearer  {TOKEN}\r\n", "two spaces after Bearer"),
        ("Authorization: bearer-{TOKEN}\r\n", "no scheme separator"),
        ("Authorization: Basic YWRtaW46YWRtaW4=\r\n", "Basic credentials"),
        ("Authorization: Bearer {TOKEN}x\r\n", "a token with one byte more"),
        ("Authorization: Bearer \xff\xfe\r\n", "a token of non-UTF-8 bytes"),
        ("Authorization: Bearer " + "t" * 4000 + "\r\n", "a 4000-byte token"),
        ("Authorization: Bearer ' OR '1'='1\r\n", "SQL in the token"),
        ("Authorization: Digest username=\"admin\"\r\n", "a Digest header"),
        ("Cookie: outpost_session=forged; outpost_csrf=x\r\n", "a forged session cookie"),
    ]
    for extra, note in auth_forms:
        c.add(cat, target + extra + "\r\n", "problem", note, status=401)
    # Conditional and idempotency headers on a write that would otherwise succeed.
    body = '{"event":"record_session","summary":"x"}'
    for value, note in [
        ("version-two", "If-Match not an entity tag"),
        ('"abc"', "If-Match with letters"),
        ('"-1"', "If-Match negative"),
        ('"99999999999999999999999"', "If-Match over 64 bits"),
        ('W/"1"', "a weak If-Match"),
        ('"1', "an unterminated If-Match"),
        ('"\xff"', "non-UTF-8 If-Match"),
    ]:
        c.add(cat, post_json(EVENTS, body, f"If-Match: {value}\r\n"), "problem", note)
    for value, note in [
        ("k" * 300, "an Idempotency-Key of 300 bytes"),
        ("", "an empty Idempotency-Key"),
        ("\xff\xfe", "a non-UTF-8 Idempotency-Key (regression: 500 on PostgreSQL)"),
        ("键".encode().decode("latin-1"), "a UTF-8 Idempotency-Key outside ASCII"),
        ("a\x01b", "a control character in the Idempotency-Key"),
        ("a\x7fb", "DEL in the Idempotency-Key"),
    ]:
        c.add(cat, post_json(EVENTS, '{"event":"teleport"}', f"Idempotency-Key: {value}\r\n"),
              "problem", note)
    for ctype, note in [
        ("text/plain", "text/plain"),
        ("application/xml", "XML"),
        ("application/json; charset=latin1", "JSON in latin1"),
        ("multipart/form-data; boundary=x", "multipart"),
        ("application/x-www-form-urlencoded", "a form"),
        ("", "an empty Content-Type"),
        ("application/jsonx", "a near miss"),
        ("\xff/json", "non-UTF-8 Content-Type"),
    ]:
        c.add(cat, req("POST", CASES, '{"kind":"dispute"}', f"Content-Type: {ctype}\r\n"),
              "problem", "Content-Type " + note)
    c.add(cat, req("POST", CASES, '{"kind":"dispute"}'), "problem", "no Content-Type")
    c.add(cat, req("POST", CASES, '{"kind":"dispute"}', JSON_CT + "Expect: 100-continue-please\r\n"),
          "problem", "an unknown Expect")
    c.add(cat, req("GET", "/api/v1/cases/{CASE}", "", "X-Forwarded-For: \xff, ::zz, 999.1.1.1\r\n",
                   auth=False), "problem", "garbage X-Forwarded-For, no token", status=401)


def content_length(c):
    cat = "content_length"
    body = '{"event":"record_session","summary":"x"}'
    n = len(body)
    head = "POST " + EVENTS + " HTTP/1.1\r\nHost: outpost.test\r\n" + AUTH + JSON_CT
    shapes = [
        (f"Content-Length: {n}\r\nContent-Length: {n + 5}\r\n", body + "XXXXX", "two different lengths"),
        (f"Content-Length: {n + 5}\r\nContent-Length: {n}\r\n", body + "XXXXX", "two different lengths, reversed"),
        (f"Content-Length: {n}, {n + 1}\r\n", body + "X", "a list of different lengths"),
        (f"Content-Length: -{n}\r\n", body, "a negative length"),
        (f"Content-Length: +{n}\r\n", body, "a plus sign"),
        (f"Content-Length: 0x{n:x}\r\n", body, "hexadecimal"),
        (f"Content-Length: {n}.0\r\n", body, "a decimal point"),
        (f"Content-Length: {n} {n}\r\n", body, "two numbers with a space"),
        ("Content-Length: \r\n", body, "an empty length"),
        ("Content-Length: abc\r\n", body, "letters"),
        ("Content-Length: 99999999999999999999999999\r\n", body, "beyond 64 bits"),
        ("Content-Length: 18446744073709551616\r\n", body, "2^64"),
        ("Content-Length: 18446744073709551615\r\n", body, "2^64 - 1"),
        (f"Content-Length: {n}\x00\r\n", body, "NUL after the number"),
        (f"Content-Length : {n}\r\n", body, "a space before the colon"),
        (f"Content-Length: {n}\r\n Content-Length: 0\r\n", body, "a folded second length"),
        (f"Content-Length: 1e2\r\n", body, "exponent"),
        ("Content-Length: 2000000\r\n", body, "more than the body limit, not sent"),
        ("Content-Length: 100\r\n", body, "more bytes announced than sent"),
        (f"Content-Length: {n - 10}\r\n", body, "fewer bytes announced: the rest is no request"),
        (f"Content-Length: 0\r\n", body, "zero with a body following"),
        (f"Content-Length: {n}\r\n", body + SMUGGLED.replace("GET", "G\x00T"), "a broken second request pipelined"),
    ]
    for hdr, b, note in shapes:
        c.add(cat, head + hdr + "\r\n" + b, "problem_or_closed", note)
    # Duplicate lengths that agree are allowed by RFC 9110 but make a smuggled
    # request possible if one hop counts differently; the hidden GET must not be served.
    for hdr, note in [
        (f"Content-Length: 0\r\nContent-Length: {len(SMUGGLED)}\r\n", "0 then the smuggled length"),
        (f"Content-Length: {len(SMUGGLED)}\r\nContent-Length: 0\r\n", "the smuggled length then 0"),
    ]:
        c.add(cat, "POST " + NOTES + " HTTP/1.1\r\nHost: outpost.test\r\n" + JSON_CT + hdr + "\r\n" + SMUGGLED,
              "problem_or_closed", note)
    c.add(cat, req("GET", "/api/v1/cases/{CASE}", "xx", "Content-Length: 2\r\n", auth=False),
          "problem", "a body on an unauthenticated GET", status=401)


def transfer_encoding(c):
    cat = "transfer_encoding"
    post = "POST " + NOTES + " HTTP/1.1\r\nHost: outpost.test\r\n" + AUTH + JSON_CT
    # CL.TE and TE.CL: whichever framing the server picks, the hidden GET must not
    # be answered with a 2xx.
    chunk0 = "0\r\n\r\n"
    shapes = [
        (f"Content-Length: {len(chunk0 + SMUGGLED)}\r\nTransfer-Encoding: chunked\r\n", chunk0 + SMUGGLED, "CL then TE"),
        (f"Transfer-Encoding: chunked\r\nContent-Length: {len(chunk0 + SMUGGLED)}\r\n", chunk0 + SMUGGLED, "TE then CL"),
        (f"Content-Length: 4\r\nTransfer-Encoding: chunked\r\n", "5c\r\n" + SMUGGLED + "\r\n0\r\n\r\n", "TE.CL with a short length"),
        ("Transfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n", chunk0 + SMUGGLED, "chunked then identity"),
        ("Transfer-Encoding: identity\r\nTransfer-Encoding: chunked\r\n", chunk0 + SMUGGLED, "identity then chunked"),
        ("Transfer-Encoding: chunked, identity\r\n", chunk0 + SMUGGLED, "chunked, identity"),
        ("Transfer-Encoding: chunked, chunked\r\n", chunk0 + SMUGGLED, "chunked twice in one field"),
        ("Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n", chunk0 + SMUGGLED, "chunked in two fields"),
        ("Transfer-Encoding: xchunked\r\n", chunk0 + SMUGGLED, "xchunked"),
        ("Transfer-Encoding: chunked-false\r\n", chunk0 + SMUGGLED, "chunked-false"),
        ("Transfer-Encoding : chunked\r\n", chunk0 + SMUGGLED, "a space before the colon"),
        ("Transfer-Encoding:\tchunked\r\n", "3\r\n{x}\r\n0\r\n\r\n", "a tab before the value (OWS: chunked, bad JSON)"),
        ("Transfer-Encoding: \x0bchunked\r\n", chunk0 + SMUGGLED, "a vertical tab before the value"),
        ("Transfer-Encoding\r\n : chunked\r\n", chunk0 + SMUGGLED, "the value folded onto a second line"),
        ("Transfer-Encoding: chunked\r\n", "", "chunked with no body at all"),
        ("Transfer-Encoding: gzip\r\n", chunk0 + SMUGGLED, "gzip alone"),
        ("Transfer-Encoding: gzip, chunked\r\n", chunk0 + SMUGGLED, "gzip, chunked (a coding the server does not decode)"),
        ("Transfer-Encoding: identity\r\n", chunk0 + SMUGGLED, "identity alone"),
        ("Transfer-Encoding: \xffchunked\r\n", chunk0 + SMUGGLED, "a non-ASCII byte before chunked"),
        ("X-Transfer-Encoding: chunked\r\nContent-Length: 5\r\n", chunk0, "a decoy TE: framed by CL"),
    ]
    for hdr, b, note in shapes:
        c.add(cat, post + hdr + "\r\n" + b, "problem_or_closed", note)
    c.add(cat, "POST " + NOTES + " HTTP/1.0\r\nHost: outpost.test\r\n" + AUTH + JSON_CT +
          "Transfer-Encoding: chunked\r\n\r\n" + chunk0 + SMUGGLED, "problem_or_closed", "chunked in HTTP/1.0")
    # Bad chunk framing with the TE alone.
    te = post + "Transfer-Encoding: chunked\r\n\r\n"
    frames = [
        ("g\r\nabc\r\n0\r\n\r\n", "a size that is not hex"),
        ("-5\r\nabcde\r\n0\r\n\r\n", "a negative size"),
        ("0x5\r\nabcde\r\n0\r\n\r\n", "a 0x prefix"),
        ("ffffffffffffffffff\r\nabc\r\n0\r\n\r\n", "a size beyond 64 bits"),
        ("10000000000000000\r\nabc\r\n", "2^64 as the size"),
        ("fffffff\r\nabc\r\n0\r\n\r\n", "a size over the body limit"),
        (" 5\r\nabcde\r\n0\r\n\r\n", "a space before the size"),
        ("5 \r\nabcde\r\n0\r\n\r\n", "a space after the size"),
        ("5\r\nabcdefgh\r\n0\r\n\r\n", "more data than the size"),
        ("5\r\nabc\r\n0\r\n\r\n", "less data than the size"),
        ("5\r\nabcde0\r\n\r\n", "no CRLF after the data"),
        ("5\nabcde\n0\n\n", "bare LF line ends"),
        ("5;" + "e" * 9000 + "\r\nabcde\r\n0\r\n\r\n", "an extension over the limits"),
        ("5;a=\"unterminated\r\nabcde\r\n0\r\n\r\n", "an unterminated quoted extension"),
        ("5;\x00\r\nabcde\r\n0\r\n\r\n", "NUL in an extension"),
        ("\r\n", "an empty size line"),
        ("5\r\nabcde\r\n", "no last chunk"),
        ("0\r\nX-Trailer: " + "t" * 9000 + "\r\n\r\n", "a trailer over the header limit"),
        ("0\r\nContent-Length: 5\r\n\r\n", "Content-Length as a trailer (empty body)"),
        ("0\r\nbad trailer\r\n\r\n", "a malformed trailer"),
        ("2\r\n{\"\r\n" + "1\r\nx\r\n" * 10 + "0\r\n\r\n", "JSON cut into tiny chunks that do not parse"),
    ]
    for frame, note in frames:
        c.add(cat, te + frame, "problem_or_closed", note)
    big = ["POST " + CASES + " HTTP/1.1\r\nHost: outpost.test\r\n" + AUTH + JSON_CT +
           "Transfer-Encoding: chunked\r\n\r\n"]
    for _ in range(3):
        big += ["80000\r\n", {"repeat": "x", "times": 0x80000}, "\r\n"]
    c.add(cat, big + ["0\r\n\r\n"], "problem_or_closed", "1.5 MiB in chunks over a 1 MiB limit", status=413)


def body_size(c):
    cat = "body_size"
    head = "POST " + EVENTS + " HTTP/1.1\r\nHost: outpost.test\r\n" + AUTH + JSON_CT
    for size, note in [
        (1024 * 1024 + 1, "one byte over 1 MiB"),
        (2 * 1024 * 1024, "2 MiB"),
        (8 * 1024 * 1024, "8 MiB"),
    ]:
        c.add(cat, [head + f"Content-Length: {size}\r\n\r\n", {"repeat": " ", "times": size}],
              "problem_or_closed", note + " of JSON whitespace", status=413)
    c.add(cat, [head + f"Content-Length: {2 ** 40}\r\n\r\n", "{}"], "problem_or_closed",
          "1 TiB announced", status=413)
    for path, note in [(NOTES, "a note"), (CASES, "a case"), ("/api/v1/login", "a login"),
                       ("/api/v1/users", "a user"), ("/api/v1/staff", "a staff member")]:
        size = 1024 * 1024 + 100
        c.add(cat, ["POST " + path + " HTTP/1.1\r\nHost: outpost.test\r\n" + AUTH + JSON_CT +
                    f"Content-Length: {size}\r\n\r\n", '{"text":"', {"repeat": "长".encode().decode("latin-1"), "times": (size - 11) // 3}, '"}'],
              "problem_or_closed", "a body over 1 MiB to " + note, status=413)
    size = 64 * 1024 * 1024
    c.add(cat, ["POST " + ATTACH + " HTTP/1.1\r\nHost: outpost.test\r\n" + AUTH +
                "Content-Type: image/png\r\nX-File-Name: big.png\r\n" + f"Content-Length: {size}\r\n\r\n",
                "\x89PNG"], "problem_or_closed", "a 64 MiB attachment announced", status=413)
    c.add(cat, req("PUT", "/api/v1/calendar/2026", "", JSON_CT + f"Content-Length: {2 * 1024 * 1024}\r\n",
                   length=False), "problem_or_closed", "a 2 MiB calendar announced", status=413)
    c.add(cat, req("POST", "/open311/v2/requests.json?api_key={API_KEY}", "", FORM_CT +
                   f"Content-Length: {4 * 1024 * 1024}\r\n", auth=False, length=False),
          "problem_or_closed", "a 4 MiB Open311 form announced", status=413)


def bad_json(c):
    cat = "json_syntax"
    docs = [
        ("", "an empty body"),
        ("{", "an open brace"),
        ('{"event":', "a cut value"),
        ('{"event":"accept",}', "a trailing comma"),
        ("{'event':'accept'}", "single quotes"),
        ('{event:"accept"}', "a bare key"),
        ('{"event":"accept"} {"event":"close"}', "two documents"),
        ('{"event":"accept"}]', "a stray bracket"),
        ('/* c */{"event":"accept"}', "a comment"),
        ('{"event":"accept" // c\n}', "a line comment"),
        ("\xef\xbb\xbf{\"event\":\"accept\"}", "a byte order mark"),
        ("\xfe\xff\x00{", "a UTF-16 byte order mark"),
        ('{"event":"acc\nept"}', "a raw newline in a string"),
        ('{"event":"acc\x01ept"}', "a raw control character in a string"),
        ('{"event":"\\x41"}', "an invalid escape"),
        ('{"event":"\\u12"}', "a short unicode escape"),
        ('{"event":"\\uZZZZ"}', "a non-hex unicode escape"),
        ('{"event":"\\ud800"}', "a lone high surrogate escape"),
        ('{"event":"\\udc00\\ud800"}', "reversed surrogates"),
        ('{"event":"accept"\x00}', "NUL after a value"),
        ("nul", "a cut literal"),
        ("tru", "a cut true"),
        ('{"a":01}', "a leading zero"),
        ('{"a":1.}', "a bare decimal point"),
        ('{"a":.5}', "a number starting with a point"),
        ('{"a":+1}', "a plus sign"),
        ('{"a":NaN}', "NaN"),
        ('{"a":Infinity}', "Infinity"),
        ('{"a":-}', "a lone minus"),
        ('{"a":1e}', "an empty exponent"),
        ('{"a":0x10}', "hexadecimal"),
        ("\x00" * 16, "NUL bytes"),
        ("\xff" * 16, "0xFF bytes"),
    ]
    for doc, note in docs:
        c.add(cat, post_json(EVENTS, doc), "problem", note)
    for doc, note in docs[:12]:
        c.add(cat, post_json(CASES, doc), "problem", "a case: " + note)


def bad_utf8(c):
    cat = "utf8"
    seqs = [
        (b"\xc0\xaf", "an overlong slash"),
        (b"\xe0\x80\xaf", "a three-byte overlong"),
        (b"\xf0\x80\x80\xaf", "a four-byte overlong"),
        (b"\xed\xa0\x80", "an encoded surrogate"),
        (b"\xf4\x90\x80\x80", "beyond U+10FFFF"),
        (b"\xc3", "a cut two-byte sequence"),
        (b"\xe4\xb8", "a cut three-byte sequence"),
        (b"\x80", "a lone continuation byte"),
        (b"\xfe", "0xFE"),
        (b"\xf8\x88\x80\x80\x80", "a five-byte form"),
    ]
    for raw, note in seqs:
        s = raw.decode("latin-1")
        c.add(cat, post_json(CASES, '{"kind":"dispute","title":"楼上' .encode().decode("latin-1") + s + '漏水"}'.encode().decode("latin-1")),
              "problem", "case title: " + note)
        c.add(cat, post_json(EVENTS, '{"event":"record_session","summary":"' + s + '"}'), "problem",
              "event payload: " + note)
        c.add(cat, post_json(NOTES, '{"body":"' + s + '","visibility":"internal"}'), "problem",
              "note text: " + note)
        c.add(cat, post_json("/api/v1/login", '{"username":"' + s + '","password":"x"}'), "problem",
              "login name: " + note)
        c.add(cat, post_json(EVENTS, '{"' + s + '":1,"event":"record_session","summary":"x"}'), "problem",
              "an object key: " + note)


def repeated_json(target, parts):
    """A JSON POST whose body is `parts` (strings and (text, times) repeats)."""
    size = sum(len(p) if isinstance(p, str) else len(p[0]) * p[1] for p in parts)
    head = "POST " + target + " HTTP/1.1\r\nHost: outpost.test\r\n" + AUTH + JSON_CT
    return [head + f"Content-Length: {size}\r\n\r\n"] + [
        p if isinstance(p, str) else {"repeat": p[0], "times": p[1]} for p in parts]


def nesting(c):
    cat = "json_nesting"
    for depth in (33, 64, 1000, 100000):
        c.add(cat, repeated_json(CASES, [("[", depth), ("]", depth)]), "problem", f"arrays {depth} deep")
        c.add(cat, repeated_json(EVENTS, [('{"a":', depth), "1", ("}", depth)]), "problem",
              f"objects {depth} deep")
        c.add(cat, repeated_json(EVENTS, ['{"event":"record_session","summary":"x","x":', ("[", depth),
                                          ("]", depth), "}"]), "problem", f"an unknown field {depth} deep")
    c.add(cat, repeated_json(CASES, [("[", 500000)]), "problem", "half a million open brackets")
    c.add(cat, repeated_json(NOTES, ['{"text":', ('{"text":', 200000)]), "problem",
          "200000 unclosed objects in a note")
    c.add(cat, post_json(CASES, '{"kind":"dispute","location":' + '{"community":' * 40 + '"LF"' + "}" * 41),
          "problem", "a location nested 40 deep")
    c.add(cat, repeated_json(CASES, ['{"kind":"dispute","parties":[', ("[],", 10000), "[]]}"]), "problem",
          "10001 parties that are arrays")
    c.add(cat, repeated_json(EVENTS, ['{"event":"record_session","summary":"x",', ('"k":1,', 20000), '"z":0}']),
          "problem", "20000 unknown keys")
    c.add(cat, repeated_json(EVENTS, ['{"event":"record_session",', ('"summary":"x",', 5000), '"summary":"y"}']),
          "problem", "the same key 5001 times")


def numbers(c):
    cat = "numbers"
    for v, note in [
        ("1e400", "a double overflow"), ("-1e400", "a negative double overflow"),
        ("1e-400", "a double underflow"), ("123456789012345678901234567890", "30 digits"),
        ("9223372036854775808", "2^63"), ("-9223372036854775809", "-2^63 - 1"),
        ("18446744073709551616", "2^64"), ("1" * 400, "400 digits"), ("0.0000000000000000000001", "tiny"),
        ("-0", "minus zero"), ("1.5", "a fraction"), ("-1", "minus one"), ("0", "zero"),
    ]:
        c.add(cat, post_json(EVENTS, '{"event":"record_consent","party":' + v +
                             ',"consent":"agree","form":"written"}'), "problem", "party " + note)
        c.add(cat, req("GET", "/api/v1/cases?limit=" + v.replace("+", "%2B"), ""), "problem", "limit " + note)
    for v, note in [("99999999999999999999", "20 digits"), ("-1", "negative"), ("0", "zero"),
                    ("1e3", "an exponent"), ("0x10", "hex"), ("１", "a full-width digit")]:
        c.add(cat, req("GET", "/api/v1/cases/" + v.encode().decode("latin-1") + "/history", ""), "problem", "case id " + note)
    c.add(cat, post_json("/api/v1/channels", '{"name":"big","display_name":"x","rate_per_minute":1e400}'),
          "problem", "a rate of 1e400")
    c.add(cat, post_json("/api/v1/channels", '{"name":"big","display_name":"x","rate_per_minute":100001}'),
          "problem", "a rate over the maximum")


def nul_strings(c):
    """U+0000 in a string a handler would store: PostgreSQL's text cannot hold
    it (regression: SQLite stored a case titled with one)."""
    cat = "nul_strings"
    case = ('{"kind":"dispute","category":"neighbour","title":%s,"description":"漏水","channel":"desk",'
            '"location":{"community":"LF","grid":"LF-G01"},"parties":[{"role":"applicant","name":%s,'
            '"phone":"13800138000"},{"role":"respondent","name":"李建国","phone":"13900139000"}]}')
    for title, name, note in [('"楼上\\u0000漏水"', '"张秀英"', "in a title"), ('"楼上漏水"', '"张\\u0000秀英"', "in a party name"),
                              ('"\\u0000"', '"张秀英"', "as the whole title")]:
        c.add(cat, post_json(CASES, (case % (title, name)).encode().decode("latin-1")), "problem", "U+0000 " + note, status=400)
    for body, target, note in [
        ('{"event":"record_session","summary":"a\\u0000b"}', EVENTS, "in an event summary"),
        ('{"body":"a\\u0000b","visibility":"internal"}', NOTES, "in a note"),
        ('{"event":"withdraw","reason":"\\u0000"}', EVENTS, "as a reason"),
        ('{"username":"a\\u0000b","password":"x"}', "/api/v1/login", "in a login name"),
        ('{"name":"x\\u0000","display_name":"x"}', "/api/v1/channels", "in a channel name"),
        ('{"username":"u\\u0000","display_name":"x","role":"admin"}', "/api/v1/users", "in a username"),
    ]:
        c.add(cat, post_json(target, body), "problem", "U+0000 " + note, status=400)


def wrong_types(c):
    cat = "wrong_types"
    base = {"kind": "dispute", "category": "neighbour", "title": "楼上漏水", "description": "漏水",
            "channel": "desk", "location": {"community": "LF", "grid": "LF-G01"},
            "parties": [{"role": "applicant", "name": "张秀英", "phone": "13800138000"}]}
    for field in base:
        for value, note in [(1, "a number"), (None, "null"), (True, "true"), ([], "an array"),
                            ({}, "an object"), ("", "an empty string")]:
            if field in ("location", "parties") and note in ("an object", "an array"):
                continue
            body = dict(base, **{field: value})
            c.add(cat, post_json(CASES, json.dumps(body, ensure_ascii=False).encode().decode("latin-1")),
                  "problem", f"case {field} as {note}")
    for body, note in [
        ('[1,2]', "an array as the body"), ('"accept"', "a string as the body"), ("42", "a number as the body"),
        ("null", "null as the body"), ('{"event":1}', "event a number"), ('{"event":null}', "event null"),
        ('{"event":["accept"]}', "event an array"), ('{"event":{"name":"accept"}}', "event an object"),
        ('{"event":"assign","department":1,"assignees":"police-01"}', "assign with wrong types"),
        ('{"event":"assign","department":"police","assignees":[1,2]}', "assignees numbers"),
        ('{"event":"record_session","summary":123}', "summary a number"),
        ('{"event":"record_session","summary":["x"]}', "summary an array"),
        ('{"event":"record_consent","party":"1","consent":"agree","form":"written"}', "party a string"),
        ('{"event":"record_consent","party":1,"consent":true,"form":"written"}', "consent a boolean"),
    ]:
        c.add(cat, post_json(EVENTS, body), "problem", note)
    for body, note in [
        ('{"body":1,"visibility":"internal"}', "note body a number"),
        ('{"body":"x","visibility":"everyone"}', "note with an unknown visibility"),
        ('{"body":"","visibility":"internal"}', "an empty note"),
        ('{"username":1,"password":"x"}', "login name a number"),
        ('{"username":"admin","password":null}', "login password null"),
        ('{"username":"admin","password":"x","session":"yes"}', "login session a string"),
        ('{"username":["a"],"password":"x"}', "login name an array"),
    ]:
        target = NOTES if "note" in note else "/api/v1/login"
        c.add(cat, post_json(target, body), "problem", note)
    c.add(cat, post_json("/api/v1/users", '{"username":"u1","display_name":"x","role":7}'), "problem", "a role number")
    c.add(cat, post_json("/api/v1/users", '{"username":"../../u","display_name":"x","role":"admin"}'),
          "problem", "a username with slashes")
    c.add(cat, post_json("/api/v1/staff", '{"name":1}'), "problem", "a staff name number")
    c.add(cat, req("PUT", "/api/v1/calendar/2026", '{"days":"all"}', JSON_CT), "problem", "calendar days a string")
    c.add(cat, req("PUT", "/api/v1/catalogue", "[]", JSON_CT), "problem", "a catalogue array")


def unknown_fields(c):
    cat = "unknown_fields"
    for field in ["favourite_colour", "id", "version", "state", "created_at", "number", "history", "__proto__",
                  "constructor", "Kind", "kind ", "", "\u0000", "title\u0000x", "$where", "parties[0]"]:
        body = '{"kind":"dispute","category":"neighbour","title":"x","description":"y","channel":"desk",' \
               '"location":{"community":"LF","grid":"LF-G01"},"parties":[{"role":"applicant","name":"张三",' \
               '"phone":"13800138000"}],' + json.dumps(field) + ':1}'
        c.add(cat, post_json(CASES, body.encode().decode("latin-1")), "problem", "case with field " + repr(field))
    for field in ["colour", "seq", "actor", "to_state", "if_match"]:
        c.add(cat, post_json(EVENTS, '{"event":"record_session","summary":"x","' + field + '":1}'), "problem",
              "event with field " + field)
    c.add(cat, post_json(NOTES, '{"body":"x","visibility":"internal","author":"admin"}'), "problem",
          "a note naming its author")
    c.add(cat, post_json("/api/v1/login", '{"username":"a","password":"b","role":"admin"}'), "problem",
          "a login asking for a role")
    c.add(cat, post_json(CASES, '{"kind":"dispute","parties":[{"role":"applicant","name":"张三","phone":'
                         '"13800138000","is_admin":true}]}'.encode().decode("latin-1")), "problem", "an unknown party field")
    c.add(cat, post_json(CASES, '{"kind":"dispute","location":{"community":"LF","grid":"LF-G01","floor":3}}'),
          "problem", "an unknown location field")


def dates(c):
    cat = "dates"
    payload = ('{"event":"reach_agreement","form":"oral","facts":"f","issues":"i","terms":"t",'
               '"performance_method":"m","performance_due":%s}')
    for v, note in [('"2026-02-30"', "February 30"), ('"2026-13-01"', "month 13"), ('"2026-00-10"', "month 0"),
                    ('"2026-12-32"', "day 32"), ('"tomorrow"', "a word"), ('"26-12-01"', "two-digit year"),
                    ('"2026/12/01"', "slashes"), ('"20261201"', "no separators"), ('"2026-12-01T25:00:00Z"', "hour 25"),
                    ('"99999-01-01"', "five-digit year"), ('"-2026-01-01"', "a negative year"), ('""', "empty"),
                    ('20261201', "a number"), ('null', "null"), ('"2025-02-29"', "not a leap year"),
                    ('"２０２６-１２-０１"', "full-width digits"), ('"2026-12-01\\u0000"', "NUL after the date"),
                    ('"0000-01-01"', "year zero")]:
        c.add(cat, post_json(EVENTS, (payload % v).encode().decode("latin-1")), "problem", "performance_due " + note)
    for q, note in [("created_from=yesterday", "a word"), ("created_from=2026-02-30T00:00:00Z", "February 30"),
                    ("created_from=2026-01-01T00:00:00%2B25:00", "offset +25:00"),
                    ("created_to=2026-13-01T00:00:00Z", "month 13"), ("created_from=%ff", "a non-UTF-8 byte"),
                    ("created_from=9999999999999999999", "a huge number"),
                    ("created_from=2026-01-01T00:00:00", "no offset"),
                    ("updated_after=2026-01-01T00:00:60Z", "second 60")]:
        c.add(cat, req("GET", "/api/v1/cases?" + q, ""), "problem", "list filter " + note)
    for y, note in [("20260", "year 20260"), ("abcd", "letters"), ("-1", "negative"), ("0", "year 0")]:
        c.add(cat, req("PUT", "/api/v1/calendar/" + y, '{"days":[]}', JSON_CT), "problem", "calendar " + note)
    c.add(cat, req("PUT", "/api/v1/calendar/2026", '{"year":2026,"days":[{"date":"2026-02-30","kind":"holiday"}]}',
                   JSON_CT), "problem", "calendar day February 30")
    for q, note in [("start_date=yesterday", "start_date a word"), ("end_date=2026-02-30T00:00:00%2B08:00", "end_date Feb 30"),
                    ("updated_after=2026-1-1", "updated_after short"), ("start_date=%ff", "start_date non-UTF-8")]:
        # A target that is not UTF-8 is refused before any route: problem+json.
        c.add(cat, req("GET", "/open311/v2/requests.json?" + q, "", auth=False),
              "problem" if "%ff" in q else "open311", "Open311 " + note, status=400)


def paths(c):
    cat = "path_query"
    targets = [
        ("/api/v1/cases/%ff", "a non-UTF-8 escape as the id"),
        ("/api/v1/cases/%c0%af", "an overlong escape"),
        ("/api/v1/cases/%", "a lone percent"),
        ("/api/v1/cases/%2", "a cut escape"),
        ("/api/v1/cases/%zz", "a non-hex escape"),
        ("/api/v1/cases/%00", "an escaped NUL"),
        ("/api/v1/cases/1%00", "an id with an escaped NUL"),
        ("/api/v1/cases/{CASE}%2fhistory", "an escaped slash"),
        ("/api/v1/cases/../../../etc/passwd", "dot segments"),
        ("/api/v1/cases/%2e%2e/%2e%2e/etc/passwd", "escaped dot segments"),
        ("/../../../../etc/passwd", "dot segments at the root"),
        ("/%2e%2e/%2e%2e/etc/passwd", "escaped dot segments at the root"),
        ("/..%2f..%2f..%2fetc%2fpasswd", "escaped slashes at the root"),
        ("/assets/..%5c..%5cserver.log", "escaped backslashes"),
        ("/assets/../../config/outpost.toml", "a config file through the assets"),
        ("/%c0%ae%c0%ae/etc/passwd", "overlong dots"),
        ("/index.html%00.png", "a NUL before an extension"),
        ("/api/v1/cases/{CASE}/attachments/../../../../etc/passwd", "an attachment seq of dot segments"),
        ("/api/v1/cases/{CASE}/attachments/-1", "a negative attachment seq"),
        ("/api/v1/cases/{CASE}/attachments/99999999999999999999", "a 20-digit attachment seq"),
        ("/api/v1/cases/{CASE}/documents/%ff", "a non-UTF-8 document name"),
        ("/api/v1/users/%ff%fe/tokens", "a non-UTF-8 username"),
        ("/api/v1/workflows/%ff", "a non-UTF-8 workflow"),
        ("/api/v1/workflows/..%2f..%2fetc", "a workflow of dot segments"),
        ("/api/v1/cases?q=%ff", "a non-UTF-8 search"),
        ("/api/v1/cases?q=%c0%80", "an overlong NUL in the search"),
        ("/api/v1/cases?q=%", "a lone percent in the query"),
        ("/api/v1/cases?limit", "a parameter without a value"),
        ("/api/v1/cases?=5", "a value without a name"),
        ("/api/v1/cases?%ff=1", "a non-UTF-8 parameter name"),
        ("/api/v1/cases?limit=1%3BDROP%20TABLE%20cases", "SQL in a limit"),
        ("/api/v1/cases?cursor=abc", "a cursor of letters"),
        ("/api/v1/cases?cursor=" + "9" * 40, "a 40-digit cursor"),
        ("/api/v1/cases?kind=%ff", "a non-UTF-8 kind"),
        ("/api/v1/cases?community=%00", "an escaped NUL community"),
        ("/api/v1/cases?" + "&".join(f"p{i}=1" for i in range(300)), "300 unknown parameters"),
        ("/api/v1/exports/cases?format=%ff", "a non-UTF-8 export format"),
        ("/api/v1/exports/cases?format=exe", "an unknown export format"),
        ("/api/v1/jurisdiction/locate?lat=abc&long=1", "a locate with letters"),
        ("/api/v1/jurisdiction/locate?lat=1e400&long=1", "a locate with 1e400"),
        ("/api/v1/jurisdiction/locate?lat=NaN&long=NaN", "a locate with NaN"),
        ("/api/v1/reports/kpis?from=2026-02-30", "a report from February 30"),
        ("/open311/v2/requests/%ff.json", "an Open311 id non-UTF-8"),
        ("/open311/v2/requests/1.exe", "an Open311 format exe"),
        ("/open311/v2/services/..%2f..%2fetc.json", "an Open311 service of dot segments"),
        ("/open311/v2/requests.json?service_request_id=" + ",".join(["1"] * 101), "101 Open311 ids"),
        ("/open311/v2/requests.json?page_size=0", "Open311 page_size 0"),
        ("/open311/v2/requests.json?page=999999999999999999999", "Open311 page beyond 64 bits"),
    ]
    # Refused when the target is read (400 problem+json), before any route.
    unreadable = ("%ff", "%c0", "%00", "%2f", "%2e%2e", "..", "%5c")
    for t, note in targets:
        routed = t.startswith("/open311") and not any(u in t for u in unreadable)
        c.add(cat, req("GET", t, ""), "open311" if routed else "problem", note)


def attachments(c):
    cat = "attachment_names"
    names = [
        ("../../etc/passwd", "dot segments"), ("..", "two dots"), (".", "one dot"),
        ("..\\..\\windows\\win.ini", "backslash dot segments"), ("a\\b.png", "a backslash"),
        ("/etc/passwd", "an absolute path"), ("%2e%2e%2f%2e%2e%2fetc%2fpasswd", "escaped dot segments"),
        ("%2e%2e", "escaped two dots"), ("%00.png", "an escaped NUL"), ("a%0ab.png", "an escaped newline"),
        ("a%0d%0aSet-Cookie: x=y", "a header injection"), ("%ff%fe.png", "non-UTF-8"),
        ("%c0%ae%c0%ae%c0%af", "overlong dots and slash"), ("%", "a lone percent"), ("%zz.png", "a bad escape"),
        ("x" * 300, "300 bytes"), ("%e2%80%ae", "only a right-to-left override"),
        ("C:%5cboot.ini", "a drive letter"),
    ]
    for name, note in names:
        c.add(cat, req("POST", ATTACH, "\x89PNG\r\n\x1a\n", "Content-Type: image/png\r\nX-File-Name: " + name + "\r\n"),
              "problem", "X-File-Name " + note)
    dispositions = [
        ('attachment; filename="../../etc/passwd"', "filename with dot segments"),
        ('attachment; filename=".."', "filename two dots"),
        ("attachment; filename*=UTF-8''..%2F..%2Fetc%2Fpasswd", "filename* with escaped dot segments"),
        ("attachment; filename*=UTF-8''..", "filename* two dots"),
        ("attachment; filename*=ISO-8859-1''a%E9.png", "filename* in latin1"),
        ("attachment; filename*=UTF-8''%ff.png", "filename* non-UTF-8"),
        ("attachment; filename*=UTF-8''a%0a.png", "filename* with a newline"),
        ("attachment; filename*=UTF-8''%", "filename* a lone percent"),
        ("attachment; filename*=''a.png", "filename* without charset"),
        ('attachment; filename="a\\\\b.png"', "filename with a backslash"),
        ('attachment; filename=""', "an empty filename"),
    ]
    for disposition, note in dispositions:
        c.add(cat, req("POST", ATTACH, "\x89PNG\r\n\x1a\n", "Content-Type: image/png\r\nContent-Disposition: " +
                       disposition + "\r\n"), "problem", note)
    for ctype, note in [("application/x-msdownload", "an executable type"), ("text/html", "HTML"),
                        ("image/svg+xml", "SVG"), ("", "no type")]:
        c.add(cat, req("POST", ATTACH, "MZ\x90\x00", ("Content-Type: " + ctype + "\r\n" if ctype else "") +
                       "X-File-Name: a.exe\r\n"), "problem", note)
    boundary = "----outpost"
    for filename, note in [("../../etc/passwd", "dot segments"), ("..", "two dots"), ("..\\..\\x.png", "backslashes")]:
        body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\n"
                f"Content-Type: image/png\r\n\r\n\x89PNG\r\n--{boundary}--\r\n")
        c.add(cat, req("POST", ATTACH, body, f"Content-Type: multipart/form-data; boundary={boundary}\r\n"),
              "problem", "a multipart upload named " + note)
        c.add(cat, req("POST", "/open311/v2/requests.json?api_key={API_KEY}", body.replace('"file"', '"media"'),
                       f"Content-Type: multipart/form-data; boundary={boundary}\r\n", auth=False),
              "open311", "an Open311 multipart file named " + note, status=400)


def open311(c):
    cat = "open311_forms"
    good = ("service_code=facility_repair&address_id=LF-G02-M1&attribute%5Bfacility%5D=stair_light"
            "&description=%E6%A5%BC%E9%81%93%E7%81%AF%E4%B8%8D%E4%BA%AE")
    target = "/open311/v2/requests.json?api_key={API_KEY}"
    variants = [
        (good.replace("service_code=facility_repair&", ""), "no service_code"),
        (good + "&lat=abc&long=106.43", "lat letters"),
        (good + "&lat=91&long=106.43", "lat 91"),
        (good + "&lat=29.8&long=181", "long 181"),
        (good + "&lat=29.8", "lat without long"),
        (good + "&lat=1e400&long=1e400", "lat 1e400"),
        (good + "&lat=NaN&long=NaN", "NaN coordinates"),
        (good + "&lat=29.8&long=", "an empty long"),
        (good + "&service_code=facility_repair", "service_code twice"),
        (good + "&attribute%5Bfacility%5D=stair_light", "an attribute twice"),
        (good.replace("stair_light", "rocket"), "an attribute value not in the list"),
        (good.replace("address_id=LF-G02-M1&", ""), "no location"),
        (good.replace("LF-G02-M1", "XX-G99"), "an unknown address_id"),
        (good + "&media_url=javascript:alert(1)", "a javascript media_url"),
        (good + "&media_url=ftp://x/y", "an ftp media_url"),
        (good + "&media_url=https://x/" + "a" * 2100, "a media_url over 2048 bytes"),
        (good + "&description=%ff%fe", "a non-UTF-8 description"),
        (good + "&phone=%E2%80%AE", "a phone of control characters"),
        (good + "&description=%", "a lone percent"),
        (good + "&description=%zz", "a bad escape"),
        (good + "&first_name=%00", "an escaped NUL in a name (regression: was stored)"),
        ("=&=&=", "empty names"),
        ("&&&&", "only separators"),
        ("service_code", "a name without a value"),
        (good + "&attribute%5B%ff%5D=1", "a non-UTF-8 attribute code (regression: echoed, not JSON)"),
        (good + "&attribute%5Bfacility%5D%5B%5D=a&attribute%5Bfacility%5D%5B%5D=b", "a single-value attribute as a list"),
    ]
    for body, note in variants:
        c.add(cat, req("POST", target, body, FORM_CT, auth=False), "open311", note, status=400)
    for body, note, status in [
        (good, "no api_key", 401),
        (good + "&api_key=wrong-key", "a wrong api_key", 403),
    ]:
        c.add(cat, req("POST", "/open311/v2/requests.json", body, FORM_CT, auth=False), "open311", note, status=status)
    c.add(cat, req("POST", target + "&jurisdiction_id=elsewhere", good, FORM_CT, auth=False), "open311",
          "an unknown jurisdiction", status=404)
    c.add(cat, req("POST", target, good.replace("facility_repair", "no_such_service"), FORM_CT, auth=False),
          "open311", "an unknown service_code", status=404)
    for ctype, note in [("application/json", "JSON"), ("text/plain", "text"), ("", "an empty type"),
                        ("multipart/form-data", "multipart without a boundary"),
                        ("multipart/form-data; boundary=", "an empty boundary")]:
        c.add(cat, req("POST", target, good, "Content-Type: " + ctype + "\r\n", auth=False), "open311",
              "Content-Type " + note, status=400)
    b = "xyz"
    for body, note in [
        (f"--{b}\r\nContent-Disposition: form-data; name=\"service_code\"\r\n\r\nfacility_repair\r\n", "no closing boundary"),
        (f"--other\r\nContent-Disposition: form-data; name=\"service_code\"\r\n\r\nx\r\n--other--\r\n", "a different boundary"),
        (f"--{b}\r\nContent-Disposition: form-data\r\n\r\nx\r\n--{b}--\r\n", "a part without a name"),
        (f"--{b}\r\n\r\nx\r\n--{b}--\r\n", "a part without headers"),
        (f"--{b}\r\nContent-Disposition: form-data; name=\"service_code\"\r\n\r\na\r\n--{b}\r\n"
         f"Content-Disposition: form-data; name=\"service_code\"\r\n\r\nb\r\n--{b}--\r\n", "a repeated part"),
        (f"--{b}\r\nContent-Disposition: form-data; name=\"%ff\"\r\n\r\nx\r\n--{b}--\r\n", "an escaped non-UTF-8 name"),
        (f"--{b}\r\nContent-Disposition: form-data; name=\"description\"\r\n\r\n\xff\xfe\r\n--{b}--\r\n", "a non-UTF-8 value"),
        (f"--{b}\r\nContent-Disposition: form-data; name=\"x\"\r\n" + "X-P: p\r\n" * 2000 + f"\r\nx\r\n--{b}--\r\n", "2000 part headers"),
        (f"--{b}--\r\n", "no parts at all"),
        ("", "an empty multipart body"),
    ]:
        c.add(cat, req("POST", target, body, f"Content-Type: multipart/form-data; boundary={b}\r\n", auth=False),
              "open311", "multipart: " + note, status=400)


def slow(c):
    cat = "slow_clients"
    post = "POST " + NOTES + " HTTP/1.1\r\nHost: outpost.test\r\n" + AUTH + JSON_CT
    c.add(cat, [], "slow", "connects and sends nothing", pieces=[], interval=0.2)
    c.add(cat, [], "slow", "a request line cut off", pieces=["POST /api/v1/ca"], interval=0.2)
    c.add(cat, [], "slow", "slowloris: one header line every 0.2 s, never ending",
          pieces=["GET /api/v1/cases HTTP/1.1\r\n"] + [f"X-Drip-{i}: a\r\n" for i in range(60)], interval=0.2)
    c.add(cat, [], "slow", "slowloris: one header byte every 0.1 s",
          pieces=list("GET /api/v1/cases HTTP/1.1\r\nHost: outpost.test\r\nX-Slow: " + "a" * 80), interval=0.1)
    c.add(cat, [], "slow", "a header block without its blank line",
          pieces=["GET /api/v1/cases HTTP/1.1\r\nHost: outpost.test\r\n" + AUTH], interval=0.2)
    c.add(cat, [], "slow", "a body that stops after half",
          pieces=[post + "Content-Length: 100\r\n\r\n", '{"text":"'], interval=0.2)
    c.add(cat, [], "slow", "a body dripping one byte every 0.1 s",
          pieces=[post + "Content-Length: 60\r\n\r\n"] + list('{"text":"' + "x" * 50), interval=0.1)
    c.add(cat, [], "slow", "a chunked body dripping one chunk every 0.2 s, never ending",
          pieces=[post + "Transfer-Encoding: chunked\r\n\r\n"] + ["1\r\nx\r\n"] * 60, interval=0.2)
    c.add(cat, [], "slow", "a chunk size line cut off",
          pieces=[post + "Transfer-Encoding: chunked\r\n\r\n", "10"], interval=0.2)
    c.add(cat, [], "slow", "Expect: 100-continue and then no body",
          pieces=[post + "Expect: 100-continue\r\nContent-Length: 20\r\n\r\n"], interval=0.2)
    c.add(cat, [], "slow", "a second request on a kept-alive connection, cut off",
          pieces=["GET /healthz HTTP/1.1\r\nHost: outpost.test\r\n\r\nGET /api/v1/cases HTTP/1.1\r\nHo"],
          interval=0.2, allow_first="2xx")
    c.add(cat, [], "slow", "a large announced body sent at 1 KiB per 0.2 s",
          pieces=[post + "Content-Length: 500000\r\n\r\n"] + ["x" * 1024] * 60, interval=0.2)


def main():
    c = Corpus()
    for build in (request_lines, headers, content_length, transfer_encoding, body_size, bad_json, bad_utf8,
                  nesting, numbers, nul_strings, wrong_types, unknown_fields, dates, paths, attachments, open311, slow):
        build(c)
    here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")
    os.makedirs(here, exist_ok=True)
    for old in os.listdir(here):
        if old.endswith(".jsonl"):
            os.remove(os.path.join(here, old))
    c.write(here)
    total = sum(len(v) for v in c.files.values())
    for category, cases in c.files.items():
        print(f"{category:20} {len(cases)}")
    print(f"{'total':20} {total}")


if __name__ == "__main__":
    main()
