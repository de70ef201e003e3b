#!/bin/bash
# Profiles the list scenario of bench/run on its own: a throwaway PostgreSQL
# (tests/support/pg_fixture.sh), `outpost serve` started before the bulk load
# (so the clear bulk rows are not sealed at start-up, as in bench/run),
# 1,000,000 cases from bench/bulk_load.sql, outpost_loadgen with the four
# list queries of bench/run at 32 connections, and `perf record -g` on the
# server for 8 s of a 12 s run. Writes /tmp/prof.data and /tmp/prof_run.txt;
# read with `perf report -i /tmp/prof.data --no-children --sort dso`.
#   bench/profile_list.sh                    # uses build/default (cmake --preset default first)
#   PROFILE_SYSTEM=1 bench/profile_list.sh   # the whole machine (server, PostgreSQL, load
#                                            # generator): --sort comm shows who has the CPU
#   PROFILE_NONE=1 bench/profile_list.sh     # no perf: the same run's throughput unprofiled
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$root/build/default}
work=$(mktemp -d)
"$root/tests/support/pg_fixture.sh" start "$work/pg" >/dev/null
trap '"$root/tests/support/pg_fixture.sh" stop "$work/pg" >/dev/null || true; rm -rf "$work"' EXIT
url=$(cat "$work/pg/url")
psql_q() { psql -q -v ON_ERROR_STOP=1 "$@"; }
psql_q "$url" -c "CREATE DATABASE prof"
db=${url%/*}/prof
"$build/adapters/cli/outpost" migrate --database "$db" --log-level warn
export OUTPOST_PII_KEY=$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')
export OUTPOST_BOOTSTRAP_TOKEN=profile-token
"$build/adapters/cli/outpost" serve --database "$db" --listen 127.0.0.1:18555 --log-level warn \
  2>"$work/server.log" &
server=$!
sleep 3
psql_q -v n=1000000 -v prefix=BL -f "$root/bench/bulk_load.sql" "$db"
psql_q -c 'VACUUM ANALYZE cases' "$db"
loadgen=("$build/bench/outpost_loadgen" --target 127.0.0.1:18555 --token profile-token
  --scenario list --concurrency 32 --threads 1
  --list-query 'state=mediating&limit=50' --list-query 'community=LY&limit=50'
  --list-query 'state=closed&limit=50' --list-query 'community=JS&state=follow_up&limit=50')
"${loadgen[@]}" --duration 8 >/dev/null
"${loadgen[@]}" --duration 12 >/tmp/prof_run.txt &
run=$!
sleep 1
if [[ ${PROFILE_NONE:-0} == 1 ]]; then
  sleep 8
elif [[ ${PROFILE_SYSTEM:-0} == 1 ]]; then
  perf record -g -a -o /tmp/prof.data -- sleep 8 2>/dev/null || true
else
  perf record -g -p "$server" -o /tmp/prof.data -- sleep 8 2>/dev/null || true
fi
wait "$run"
kill "$server"
wait "$server" || true
tail -1 /tmp/prof_run.txt
