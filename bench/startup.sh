#!/bin/bash
# How long `outpost serve` takes from its start to ready on a PostgreSQL
# database of many cases (every start seals the parties still in clear and
# fills missing masked forms before it answers: docs/PRIVACY.md):
#   bench/startup.sh [--cases N]          # default 1,000,000
# A throwaway PostgreSQL (tests/support/pg_fixture.sh), N cases from
# bench/bulk_load.sql (parties in clear, as rows written before there was a
# key), one start that seals them and stores their masked form (untimed, its
# duration printed), then three timed starts. BASELINE=DIR (a build directory
# of an earlier commit) times three starts of that build first, on the same
# database before this build migrates it (an older build refuses a newer
# schema); this build's first start, which applies its migrations, is timed
# on its own. BUILD (default build/default).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$root/build/default}
cases=1000000
while (($#)); do
  case $1 in
    --cases) cases=$2; shift 2 ;;
    *) echo "usage: bench/startup.sh [--cases N]" >&2; exit 2 ;;
  esac
done
# shellcheck source=bench/lib.sh
source "$root/bench/lib.sh" # psql_q, say
work=$(mktemp -d)
cleanup() {
  [[ -d $work/pg ]] && "$root/tests/support/pg_fixture.sh" stop "$work/pg" >/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

"$root/tests/support/pg_fixture.sh" start "$work/pg" >/dev/null
url=$(cat "$work/pg/url")
psql_q "$url" -c "CREATE DATABASE startup"
db=${url%/*}/startup
export OUTPOST_PII_KEY=$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')
"$build/adapters/cli/outpost" audit generate-key "$work/signing-key" >/dev/null
export OUTPOST_AUDIT_SIGNING_KEY_FILE=$work/signing-key

# start_to_ready BINARY LABEL: one start, from exec to the ready file, then a stop.
start_to_ready() {
  rm -f "$work/ready"
  local t0 t1 pid
  t0=$(date +%s%N)
  "$1" serve --database "$db" --listen 127.0.0.1:0 --log-level warn \
    --ready-file "$work/ready" 2>"$work/serve.log" &
  pid=$!
  until [[ -s $work/ready ]]; do
    kill -0 "$pid" 2>/dev/null || { cat "$work/serve.log" >&2; exit 1; }
    sleep 0.01
  done
  t1=$(date +%s%N)
  kill "$pid" && wait "$pid" || true
  awk -v ns=$((t1 - t0)) -v label="$2" 'BEGIN { printf "%s: %.2f s from start to ready\n", label, ns / 1e9 }'
}

first=${BASELINE:-$build}
"$first/adapters/cli/outpost" migrate --database "$db" --log-level warn
say "loading $cases cases (parties in clear)"
psql_q -v n="$cases" -v prefix=BL -f "$root/bench/bulk_load.sql" "$db"
start_to_ready "$first/adapters/cli/outpost" "first start, sealing $cases cases (untimed work)"
psql_q -c 'VACUUM ANALYZE cases' "$db"
if [[ -n ${BASELINE:-} ]]; then
  for i in 1 2 3; do start_to_ready "$BASELINE/adapters/cli/outpost" "baseline start $i"; done
  start_to_ready "$build/adapters/cli/outpost" "this build's first start (its migrations)"
fi
for i in 1 2 3; do start_to_ready "$build/adapters/cli/outpost" "start $i"; done
