#!/usr/bin/env bash
# The export scenario of bench/run (issue 15): a CSV export of every stored
# case over HTTP, side by side with PostgreSQL's own `COPY (SELECT …) TO
# STDOUT WITH CSV` of the same stored columns, and the server's resident
# memory sampled while it streams.
#
#   bench/export.sh ADDRESS TOKEN SERVER-PID DATABASE-URL RESULTS-FILE
#
# Appends to RESULTS-FILE (bench/report.py reads them):
#   result backend=postgresql kind=engine op=export_csv conc=1 count=ROWS rps=ROWS/S …
#          rss_max_kb=… bytes=…
#   result backend=postgresql kind=ceiling op=export_csv conc=1 count=ROWS rps=ROWS/S …
# Goal: the export's rows/s ≥ 0.5 × COPY's, the server's RSS ≤ 150 MB
# during the export. Both runs write to /dev/null; each is run once, the
# COPY first (it warms the same table pages the export then reads).
set -euo pipefail

(($# == 5)) || { sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
address=$1 token=$2 server_pid=$3 database=$4 results=$5
readonly PG_BIN=/usr/lib/postgresql/15/bin
say() { echo "bench: $*" >&2; }

rows=$("$PG_BIN/psql" -X -At -c 'SELECT count(*) FROM cases' "$database")

# The stored columns the CSV export is made of (labels are looked up in the
# configuration by the server, so COPY has only the codes). The parties as the
# export reads them without a purpose: their stored masked form (migration 23).
columns="id, number, kind, state, category, title, description, channel, community, grid,
         micro_grid, address, CASE WHEN parties_masked = '' THEN parties ELSE parties_masked END,
         urgency, risk_level, confidential, department, assignees,
         facts, deadline, created_at, updated_at, version"
say "export: COPY of $rows cases to /dev/null (psql)"
started=$(date +%s.%N)
"$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 \
  -c "COPY (SELECT $columns FROM cases ORDER BY id) TO STDOUT WITH CSV HEADER" \
  "$database" >/dev/null
copy_seconds=$(awk -v a="$(date +%s.%N)" -v b="$started" 'BEGIN {printf "%.3f", a - b}')

# The server's resident set, sampled every 100 ms while the export runs.
rss_samples=$(mktemp /tmp/outpost-export-rss.XXXXXX)
sample_rss() {
  while kill -0 "$server_pid" 2>/dev/null; do
    awk '/^VmRSS:/ {print $2}' "/proc/$server_pid/status" >>"$rss_samples"
    sleep 0.1
  done
}
sample_rss &
sampler=$!
say "export: CSV of $rows cases over HTTP to /dev/null (curl)"
read -r status bytes seconds < <(curl -s -o /dev/null -w '%{http_code} %{size_download} %{time_total}\n' \
  -H "Authorization: Bearer $token" "http://$address/api/v1/exports/cases?format=csv")
kill "$sampler" 2>/dev/null || true
wait "$sampler" 2>/dev/null || true
rss_max_kb=$(sort -n "$rss_samples" | tail -1)
rm -f "$rss_samples"
errors=0
[[ $status == 200 ]] || { say "export: HTTP status $status"; errors=1; }

rate() { awk -v n="$rows" -v s="$1" 'BEGIN {printf "%.1f", (s > 0 ? n / s : 0)}'; }
zeros="p50_ms=0 p95_ms=0 p99_ms=0 max_ms=0"
echo "result backend=postgresql kind=engine op=export_csv conc=1 count=$rows seconds=$seconds" \
  "rps=$(rate "$seconds") $zeros errors=$errors rss_max_kb=${rss_max_kb:-0} bytes=$bytes" >>"$results"
echo "result backend=postgresql kind=ceiling op=export_csv conc=1 count=$rows seconds=$copy_seconds" \
  "rps=$(rate "$copy_seconds") $zeros errors=0" >>"$results"
say "export: $rows rows, $bytes bytes in ${seconds}s over HTTP; COPY ${copy_seconds}s;" \
  "server RSS max ${rss_max_kb:-?} kB"
