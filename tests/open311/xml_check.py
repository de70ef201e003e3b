#!/usr/bin/env python3
"""The Open311 XML answers against GeoReport v2's element names and order.

Starts the real `outpost serve` on a SQLite file (argv[1]: the binary, argv[2]:
a work directory), files requests through the JSON-free XML paths and parses
every answer with Python's xml.etree: the root, each item's child elements in
the specification's order, UTF-8 declared, text/xml served. Exits non-zero on
the first mismatch, naming it.
"""
import json
import os
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET

TOKEN = "xml-check-bootstrap-token-0123456789"
PII_KEY = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"
SIGNING_KEY = "PRIVATE+KEY+outpost.test/history+765d959c+AWmfFwq8WyHzLtpCSs0XWlR0Ie3FXeb0Mf01EZHEvV6V"

# GeoReport v2 (wiki.open311.org/GeoReport_v2): each answer's elements, in order.
SERVICE = ["service_code", "service_name", "description", "metadata", "type", "keywords", "group"]
ATTRIBUTE = ["variable", "code", "datatype", "required", "datatype_description", "order",
             "description", "values"]
REQUEST = ["service_request_id", "status", "status_notes", "service_name", "service_code",
           "description", "agency_responsible", "service_notice", "requested_datetime",
           "updated_datetime", "expected_datetime", "address", "address_id", "zipcode", "lat",
           "long", "media_url"]
CREATED = ["service_request_id", "service_notice", "account_id"]
CREATED_TOKEN = ["token", "service_notice", "account_id"]
TOKEN_ANSWER = ["service_request_id", "token"]
DISCOVERY = ["changeset", "contact", "key_service", "endpoints"]
ENDPOINT = ["specification", "url", "changeset", "type", "formats"]
ERROR = ["code", "description"]


def fail(message):
    print("FAIL:", message)
    sys.exit(1)


def tags(element):
    return [child.tag for child in element]


def expect(condition, message):
    if not condition:
        fail(message)


def parse(raw, content_type, what):
    expect(content_type.startswith("text/xml"), f"{what}: Content-Type {content_type}")
    expect(raw.startswith(b'<?xml version="1.0" encoding="UTF-8"?>'), f"{what}: no UTF-8 declaration")
    return ET.fromstring(raw)


def call(base, method, path, body=None, headers=None):
    request = urllib.request.Request(base + path, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request) as answer:
            return answer.status, answer.headers.get("Content-Type", ""), answer.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Content-Type", ""), e.read()


def items(root, root_tag, item_tag, order, what):
    expect(root.tag == root_tag, f"{what}: root <{root.tag}>, not <{root_tag}>")
    for item in root:
        expect(item.tag == item_tag, f"{what}: <{item.tag}> in <{root_tag}>")
        expect(tags(item) == order, f"{what}: elements {tags(item)}, not {order}")
    return list(root)


def main():
    binary, work = sys.argv[1], sys.argv[2]
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    key_file = os.path.join(work, "signing-key")
    with open(key_file, "w") as f:
        f.write(SIGNING_KEY + "\n")
    os.chmod(key_file, 0o600)
    ready = os.path.join(work, "ready")
    env = dict(os.environ, OUTPOST_BOOTSTRAP_TOKEN=TOKEN, OUTPOST_PII_KEY=PII_KEY,
               OUTPOST_AUDIT_SIGNING_KEY_FILE=key_file)
    log = open(os.path.join(work, "server.log"), "w")
    server = subprocess.Popen([binary, "serve", "--listen", "127.0.0.1:0", "--database",
                               "sqlite:" + os.path.join(work, "db.sqlite"), "--ready-file", ready],
                              stdout=log, stderr=log, env=env)
    try:
        for _ in range(600):
            if os.path.exists(ready) and open(ready).read().strip():
                break
            expect(server.poll() is None, "the server exited during start-up")
            time.sleep(0.05)
        base = "http://" + open(ready).read().strip()
        check(base)
    finally:
        server.terminate()
        server.wait(timeout=30)
    print("ok: every XML answer has the specification's elements in order")


def check(base):
    admin = {"Authorization": "Bearer " + TOKEN, "Content-Type": "application/json"}
    status, _, raw = call(base, "POST", "/api/v1/channels",
                          json.dumps({"name": "xml_app", "display_name": "XML渠道"}).encode(), admin)
    expect(status == 201, f"channel: {status} {raw!r}")
    key = json.loads(raw)["api_key"]
    form = {"Content-Type": "application/x-www-form-urlencoded"}

    status, ctype, raw = call(base, "GET", "/open311/v2/discovery.xml")
    root = parse(raw, ctype, "discovery")
    expect(root.tag == "discovery" and tags(root) == DISCOVERY, f"discovery: {tags(root)}")
    for endpoint in root.find("endpoints"):
        expect(tags(endpoint) == ENDPOINT, f"endpoint: {tags(endpoint)}")
        expect([f.text for f in endpoint.find("formats")] == ["application/json", "text/xml"],
               "endpoint formats")

    status, ctype, raw = call(base, "GET", "/open311/v2/services.xml")
    services = items(parse(raw, ctype, "services"), "services", "service", SERVICE, "services")
    expect(len(services) == 8, f"{len(services)} services")
    expect(services[0].findtext("service_name") == "公共设施维修", "the zh-CN service name")
    expect(services[0].findtext("metadata") == "true", "metadata of facility_repair")

    status, ctype, raw = call(base, "GET", "/open311/v2/services/facility_repair.xml")
    root = parse(raw, ctype, "definition")
    expect(root.tag == "service_definition" and tags(root) == ["service_code", "attributes"],
           f"definition: {tags(root)}")
    attributes = items(root.find("attributes"), "attributes", "attribute", ATTRIBUTE, "attributes")
    expect([a.findtext("order") for a in attributes] == ["1", "2", "3"], "attribute order")
    for value in attributes[0].find("values"):
        expect(value.tag == "value" and tags(value) == ["key", "name"], f"value: {tags(value)}")

    body = urllib.parse.urlencode({"api_key": key, "service_code": "sanitation",
                                   "address_id": "LF-G01-M1", "description": "垃圾<桶>满了 & 没人清",
                                   "phone": "13912345678"}).encode()
    status, ctype, raw = call(base, "POST", "/open311/v2/requests.xml", body, form)
    expect(status == 201, f"create: {status} {raw!r}")
    created = items(parse(raw, ctype, "create"), "service_requests", "request", CREATED, "create")
    request_id = created[0].findtext("service_request_id")

    body = urllib.parse.urlencode({"api_key": key, "service_code": "policy_question",
                                   "address_id": "LF-G01-M1", "description": "咨询"}).encode()
    status, ctype, raw = call(base, "POST", "/open311/v2/requests.xml", body, form)
    waiting = items(parse(raw, ctype, "token create"), "service_requests", "request",
                    CREATED_TOKEN, "token create")
    token = waiting[0].findtext("token")
    status, ctype, raw = call(base, "GET", f"/open311/v2/tokens/{token}.xml")
    items(parse(raw, ctype, "token"), "service_requests", "request", TOKEN_ANSWER, "token")

    for path in (f"/open311/v2/requests/{request_id}.xml", "/open311/v2/requests.xml",
                 "/open311/v2/requests.xml?status=open&service_code=sanitation"):
        status, ctype, raw = call(base, "GET", path)
        expect(status == 200, f"{path}: {status}")
        found = items(parse(raw, ctype, path), "service_requests", "request", REQUEST, path)
        expect(len(found) == 1, f"{path}: {len(found)} requests")
        expect(found[0].findtext("description").startswith("垃圾<桶>满了 & 没人清"),
               f"{path}: the description's text")
        expect(b"13912345678" not in raw, f"{path}: a phone number")

    for method, path, data, want in (("GET", "/open311/v2/services/none.xml", None, 404),
                                     ("POST", "/open311/v2/requests.xml", b"service_code=x", 401),
                                     ("GET", "/open311/v2/requests.xml?status=maybe", None, 400)):
        status, ctype, raw = call(base, method, path, data, form if data else {})
        expect(status == want, f"{path}: {status}, not {want}")
        errors = items(parse(raw, ctype, path), "errors", "error", ERROR, path)
        expect(errors and errors[0].findtext("code") == str(want), f"{path}: error code")


if __name__ == "__main__":
    main()
