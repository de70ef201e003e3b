#!/usr/bin/env bash
# The XLSX ledger benchmark (issue 23): N bulk-loaded cases (default
# 1,000,000) exported over HTTP on PostgreSQL as CSV and as XLSX (the
# mediation ledger, libxlsxwriter in constant-memory mode), rows/s of each and
# the server's memory while it writes them.
#
#   bench/xlsx.sh [--cases N] [--build-dir DIR] [--keep FILE.xlsx]
#
# Starts a throwaway PostgreSQL 15 (tests/support/pg_fixture.sh) and an
# `outpost serve` on it, bulk-loads the cases (bench/bulk_load.sql), then
# runs GET /api/v1/exports/cases?format=csv and then ?format=xlsx once each
# with curl, writing to a file. For each: seconds, rows/s, bytes, and the
# server's VmRSS sampled every 100 ms (max); after each the server's VmHWM
# (its peak resident set since start). The XLSX file's rows are counted from
# its sheet XML. Goal: server RSS ≤ 150 MB while writing the XLSX. Prints
# `result …` lines and stops everything it started. Does not build: run
# `cmake --build --preset default --target outpost` first.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
readonly root
readonly PG_BIN=/usr/lib/postgresql/15/bin
cases=1000000
build_dir=$root/build/default
keep=
while (($#)); do
  case $1 in
    --cases) cases=$2; shift 2 ;;
    --build-dir) build_dir=$2; shift 2 ;;
    --keep) keep=$2; shift 2 ;;
    *) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
  esac
done
outpost=$build_dir/adapters/cli/outpost
say() { echo "bench: $*" >&2; }

source "$root/bench/bench_server.sh"
bench_work outpost-xlsx-bench

say "starting PostgreSQL"
"$root/tests/support/pg_fixture.sh" start "$work/pg" >&2
pg_base=$(<"$work/pg/url")
pg_base=${pg_base%/*}
"$PG_BIN/createdb" -h 127.0.0.1 -p "${pg_base##*:}" -U postgres outpost
database=$pg_base/outpost
psql_q() { "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 "$@"; }

bench_serve "$database"
say "server on $address, pid $server_pid"

say "bulk-loading $cases cases (SQL)"
started=$SECONDS
psql_q -v n="$cases" -v prefix=BL -f "$root/bench/bulk_load.sql" "$database"
psql_q -c 'VACUUM ANALYZE cases' -c CHECKPOINT "$database"
rows=$(psql_q -At -c 'SELECT count(*) FROM cases' "$database")
say "bulk load took $((SECONDS - started))s: $rows cases"

# export FORMAT: one export over HTTP to a file; prints its result line.
export_once() {
  local format=$1 file=$work/export.$1 samples=$work/rss.$1
  : >"$samples"
  (while kill -0 "$server_pid" 2>/dev/null; do
    awk '/^VmRSS:/ {print $2}' "/proc/$server_pid/status" >>"$samples"
    sleep 0.1
  done) &
  local sampler=$!
  say "export: $format of $rows cases over HTTP (curl)"
  local status bytes seconds
  read -r status bytes seconds < <(curl -s -o "$file" -w '%{http_code} %{size_download} %{time_total}\n' \
    -H "Authorization: Bearer $token" "http://$address/api/v1/exports/cases?format=$format")
  kill "$sampler" 2>/dev/null || true
  wait "$sampler" 2>/dev/null || true
  [[ $status == 200 ]] || { say "export $format: HTTP status $status"; head -c 500 "$file" >&2; exit 1; }
  local rss_max hwm written
  rss_max=$(sort -n "$samples" | tail -1)
  hwm=$(awk '/^VmHWM:/ {print $2}' "/proc/$server_pid/status")
  if [[ $format == xlsx ]]; then
    # The sheet's XML is one long line: one row element per "<row ", less the header.
    written=$(unzip -p "$file" xl/worksheets/sheet1.xml | tr '<' '\n' | grep -c '^row ' || true)
    written=$((written - 1))
    [[ -z $keep ]] || cp "$file" "$keep"
  else
    written=$(($(wc -l <"$file") - 1))
  fi
  rm -f "$file"
  echo "result backend=postgresql op=export_$format count=$rows rows_written=$written" \
    "seconds=$seconds rps=$(awk -v n="$rows" -v s="$seconds" 'BEGIN {printf "%.0f", n / s}')" \
    "bytes=$bytes rss_max_kb=$rss_max vmhwm_kb=$hwm"
}

export_once csv
export_once xlsx
say "done"
