#!/usr/bin/python3
"""Checks adapters/http/openapi.json with an independent judge.

Debian's python3-jsonschema (Draft 2020-12, the dialect of OpenAPI 3.1 schemas)
validates every example in the document against the schema it illustrates:
a media type's `example` and `examples.*.value`, a parameter's, and the
`examples` of every schema object. Besides, the rules a linter such as
Redocly's recommended set applies: an info.license, an operationId on every
operation (unique), at least one 4xx response on every operation, every
`$ref` resolvable, every path parameter declared. Prints each problem and
exits 1 when there is any.

    /usr/bin/python3 tests/http/openapi_lint.py adapters/http/openapi.json
"""
import json
import sys

from jsonschema import Draft202012Validator
from jsonschema.exceptions import RefResolutionError

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def resolve(doc, ref):
    node = doc
    for part in ref[2:].split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def deref(doc, node):
    while isinstance(node, dict) and "$ref" in node:
        node = resolve(doc, node["$ref"])
    return node


class Lint:
    def __init__(self, doc):
        self.doc = doc
        self.problems = []
        # The schema validator resolves "#/components/..." against the document.
        self.root = dict(doc)
        self.root.setdefault("$schema", "https://json-schema.org/draft/2020-12/schema")

    def fail(self, where, message):
        self.problems.append(f"{where}: {message}")

    def check_value(self, where, schema, value):
        if schema is None:
            self.fail(where, "an example without a schema to check it against")
            return
        wrapped = dict(self.root)
        wrapped.update({"$ref": "#/x-check", "x-check": schema})
        try:
            errors = sorted(Draft202012Validator(wrapped).iter_errors(value), key=str)
        except RefResolutionError as e:
            self.fail(where, f"unresolvable $ref: {e}")
            return
        for e in errors[:10]:
            path = "/".join(str(p) for p in e.absolute_path)
            self.fail(where, f"example does not match its schema at '{path}': {e.message[:200]}")

    def walk_refs(self, where, node):
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str):
                try:
                    resolve(self.doc, ref)
                except (KeyError, TypeError):
                    self.fail(where, f"$ref {ref} resolves to nothing")
            for k, v in node.items():
                self.walk_refs(where, v)
        elif isinstance(node, list):
            for v in node:
                self.walk_refs(where, v)

    def schema_examples(self, where, schema, seen):
        """The `examples` keyword of a schema object and of the schemas inside it."""
        if not isinstance(schema, dict) or id(schema) in seen:
            return
        seen.add(id(schema))
        if isinstance(schema.get("examples"), list):
            plain = {k: v for k, v in schema.items() if k != "examples"}
            for i, ex in enumerate(schema["examples"]):
                self.check_value(f"{where} examples[{i}]", plain, ex)
        if "example" in schema:
            self.fail(where, "`example` in a schema is deprecated in OpenAPI 3.1: use `examples`")
        for key in ("properties", "patternProperties", "$defs"):
            for name, sub in (schema.get(key) or {}).items():
                self.schema_examples(f"{where}.{name}", sub, seen)
        for key in ("items", "additionalProperties", "not", "contains"):
            self.schema_examples(f"{where}.{key}", schema.get(key), seen)
        for key in ("allOf", "anyOf", "oneOf", "prefixItems"):
            for i, sub in enumerate(schema.get(key) or []):
                self.schema_examples(f"{where}.{key}[{i}]", sub, seen)

    def media_examples(self, where, media):
        schema = media.get("schema")
        if "example" in media:
            self.check_value(f"{where} example", schema, media["example"])
        for name, ex in (media.get("examples") or {}).items():
            ex = deref(self.doc, ex)
            if "value" in ex:
                self.check_value(f"{where} examples.{name}", schema, ex["value"])

    def operation(self, path, method, op):
        where = f"{method.upper()} {path}"
        op_id = op.get("operationId")
        if not op_id:
            self.fail(where, "no operationId")
        responses = op.get("responses") or {}
        if not responses:
            self.fail(where, "no responses")
        if not any(str(code).startswith("4") for code in responses):
            self.fail(where, "no 4xx response")
        for code, response in responses.items():
            response = deref(self.doc, response)
            for media_type, media in (response.get("content") or {}).items():
                self.media_examples(f"{where} {code} {media_type}", media)
        body = deref(self.doc, op.get("requestBody") or {})
        for media_type, media in (body.get("content") or {}).items():
            self.media_examples(f"{where} request {media_type}", media)
        for p in op.get("parameters") or []:
            p = deref(self.doc, p)
            if "example" in p:
                self.check_value(f"{where} parameter {p.get('name')}", p.get("schema"), p["example"])
        return op_id

    def run(self):
        info = self.doc.get("info") or {}
        if not (info.get("license") or {}).get("name"):
            self.fail("info", "no license")
        self.walk_refs("document", self.doc)
        ids = {}
        for path, item in self.doc.get("paths", {}).items():
            shared = [deref(self.doc, p) for p in item.get("parameters") or []]
            for method in METHODS:
                if method not in item:
                    continue
                op = item[method]
                op_id = self.operation(path, method, op)
                if op_id:
                    if op_id in ids:
                        self.fail(f"{method.upper()} {path}", f"operationId {op_id} also on {ids[op_id]}")
                    ids[op_id] = f"{method.upper()} {path}"
                declared = {p.get("name") for p in shared + [deref(self.doc, p) for p in op.get("parameters") or []]
                            if p.get("in") == "path"}
                for segment in path.split("/"):
                    for name in segment.replace("}", "{").split("{")[1::2]:
                        if name not in declared:
                            self.fail(f"{method.upper()} {path}", f"path parameter {name} is not declared")
        for name, schema in (self.doc.get("components", {}).get("schemas") or {}).items():
            self.schema_examples(f"components.schemas.{name}", schema, set())
        for path, item in self.doc.get("paths", {}).items():
            for method in METHODS:
                op = item.get(method) or {}
                for place in ("responses", "requestBody"):
                    self.inline_schema_examples(f"{method.upper()} {path}", op.get(place))
        return self.problems

    def inline_schema_examples(self, where, node):
        if isinstance(node, dict):
            if isinstance(node.get("schema"), dict):
                self.schema_examples(where, node["schema"], set())
            for v in node.values():
                self.inline_schema_examples(where, v)


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        doc = json.load(f)
    problems = Lint(doc).run()
    for p in problems:
        print(p)
    if problems:
        print(f"{len(problems)} problem(s) in {sys.argv[1]}")
        return 1
    paths = doc.get("paths", {})
    operations = sum(1 for item in paths.values() for m in METHODS if m in item)
    print(f"{operations} operations on {len(paths)} paths: every example matches its schema")
    return 0


if __name__ == "__main__":
    sys.exit(main())
