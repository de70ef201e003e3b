#!/usr/bin/python3
"""Reads two /metrics scrapes with Debian's python3-prometheus-client parser
(prometheus_client.parser.text_string_to_metric_families, as Prometheus'
own client library reads the text format 0.0.4) and prints, as JSON, every
sample of each by "name{label=value,...}" (labels sorted), and the problems
found: histogram buckets that are not cumulative or whose +Inf bucket is not
_count, and label values that look like a raw path with an id in it.

    metrics_check.py FIRST SECOND   ->  {"first": {...}, "second": {...}, "problems": [...]}
"""
import json
import re
import sys

from prometheus_client.parser import text_string_to_metric_families

RAW_ID = re.compile(r"/\d+(/|$|\.)")


def read(path, problems):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    samples = {}
    for family in text_string_to_metric_families(text):
        buckets = {}
        for s in family.samples:
            key = s.name + "{" + ",".join(f"{k}={v}" for k, v in sorted(s.labels.items())) + "}"
            samples[key] = s.value
            for k, v in s.labels.items():
                if RAW_ID.search(v):
                    problems.append(f"raw id in label {k}={v}")
            if family.type == "histogram" and s.name.endswith("_bucket"):
                series = tuple(sorted((k, v) for k, v in s.labels.items() if k != "le"))
                buckets.setdefault(series, []).append((float(s.labels["le"]), s.value))
        for series, points in buckets.items():
            points.sort()
            values = [v for _, v in points]
            if values != sorted(values):
                problems.append(f"{family.name}{series}: buckets not cumulative: {values}")
            if points[-1][0] != float("inf"):
                problems.append(f"{family.name}{series}: no +Inf bucket")
            count_key = family.name + "_count{" + ",".join(f"{k}={v}" for k, v in series) + "}"
            if samples.get(count_key) != values[-1]:
                problems.append(f"{family.name}{series}: +Inf {values[-1]} != _count")
    return samples


def main():
    problems = []
    first = read(sys.argv[1], problems)
    second = read(sys.argv[2], problems)
    print(json.dumps({"first": first, "second": second, "problems": problems}))


if __name__ == "__main__":
    main()
