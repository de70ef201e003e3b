#!/bin/bash
# Profiles one scenario of bench/run on its own, with `perf record -g`:
#   bench/profile.sh list                 # PostgreSQL, 1,000,000 bulk-loaded cases, the four
#                                         # list queries of bench/run at 32 connections
#   bench/profile.sh transition           # PostgreSQL, whole dispute lifecycles at 16 connections
#   bench/profile.sh transition-sqlite    # the same on the embedded SQLite default
#   bench/profile.sh read                 # PostgreSQL, GET one case at 64 connections over
#                                         # 20,000 cases made over HTTP (as bench/run's read)
#   bench/profile.sh ceiling-transition   # the transition ceiling: pgbench with
#                                         # bench/ceiling/transition.sql at 16 clients
# Prints the load generator's result lines, the server's CPU time per
# operation (and how much of it the kernel's), its context switches per
# operation and the machine's busy share over the timed run (from /proc); for
# the ceiling, pgbench's context switches per transaction and the busy share.
# Environment: BUILD (default build/default; cmake --preset default first),
#   CONCURRENCY (overrides the scenario's), PROFILE=server (default: perf on the
#   server only), system (every process: `--sort comm` shows who has the CPU),
#   none (no perf: the same run's throughput unprofiled) or strace (the server's
#   system calls counted for 5 s into /tmp/prof_strace.txt); CALLGRAPH=dwarf
#   unwinds with debug info (the build omits frame pointers: `fp`, the default,
#   loses most callers); SERVER_PRELOAD=lib.so starts the server with it in
#   LD_PRELOAD (e.g. another malloc).
# A throwaway PostgreSQL (tests/support/pg_fixture.sh) or SQLite file, `outpost
# serve` with the shipped settings, a warm-up run, then perf over 8 s of a 12 s
# run. Writes /tmp/prof.data and /tmp/prof_run.txt; read with
#   perf report -i /tmp/prof.data --no-children --sort dso
# The list's server starts before the bulk load (so the clear bulk rows are not
# sealed at start-up), as in bench/run.
set -euo pipefail
callgraph=${CALLGRAPH:-fp}
scenario=${1:?usage: bench/profile.sh list|transition|transition-sqlite|read}
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$root/build/default}
work=$(mktemp -d)
cleanup() {
  [[ -n ${server:-} ]] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
  [[ -d $work/pg ]] && "$root/tests/support/pg_fixture.sh" stop "$work/pg" >/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
# shellcheck source=bench/lib.sh
source "$root/bench/lib.sh" # psql_q, machine_ticks
# Voluntary and involuntary context switches of all of a process's threads.
switches_of() { cat /proc/"$1"/task/*/status | awk '/^(non)?voluntary_ctxt_switches/ { n += $2 } END { print n }'; }
busy_share() {
  awk -v busy="$1" -v all="$2" 'BEGIN { if (all > 0) printf "machine busy: %.0f %%\n", 100 * busy / all }'
}

if [[ $scenario == transition-sqlite ]]; then
  db="sqlite:$work/outpost.db"
else
  "$root/tests/support/pg_fixture.sh" start "$work/pg" >/dev/null
  url=$(cat "$work/pg/url")
  psql_q "$url" -c "CREATE DATABASE prof"
  db=${url%/*}/prof
fi
"$build/adapters/cli/outpost" migrate --database "$db" --log-level warn
export OUTPOST_PII_KEY=$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')
"$build/adapters/cli/outpost" audit generate-key "$work/signing-key" >/dev/null
export OUTPOST_AUDIT_SIGNING_KEY_FILE=$work/signing-key
export OUTPOST_BOOTSTRAP_TOKEN=profile-token
if [[ $scenario == ceiling-transition ]]; then
  clients=${CONCURRENCY:-16}
  psql_q -v n=$((clients * 1000)) -v prefix=SEED -f "$root/bench/bulk_load.sql" "$db"
  # As bench/run: a server started once seals the parties and seeds the staff.
  "$build/adapters/cli/outpost" serve --database "$db" --listen 127.0.0.1:0 --log-level warn \
    --ready-file "$work/sealed" 2>"$work/seal.log" &
  sealer=$!
  for ((i = 0; i < 600; i++)); do
    [[ -s $work/sealed ]] && break
    kill -0 "$sealer" 2>/dev/null || break
    sleep 0.1
  done
  [[ -s $work/sealed ]] || { cat "$work/seal.log" >&2; echo "profile.sh: sealing failed" >&2; exit 1; }
  kill "$sealer" && wait "$sealer"
  psql_q -c 'VACUUM ANALYZE' "$db"
  pgbench=(/usr/lib/postgresql/15/bin/pgbench -n -M prepared -c "$clients" -j 2 -f "$root/bench/ceiling/transition.sql"
    -D clients="$clients" -D per_client=1000 -D n=0 "$db")
  "${pgbench[@]}" -T 8 >/dev/null
  "${pgbench[@]}" -T 12 >/tmp/prof_run.txt &
  run=$!
  sleep 1
  # pgbench's context switches over the 8 s in the middle of its run.
  switches_before=$(switches_of "$run")
  read -r busy_before _ all_before < <(machine_ticks)
  case ${PROFILE:-system} in
    none) sleep 8 ;;
    *) perf record --call-graph "$callgraph" -a -o /tmp/prof.data -- sleep 8 2>/dev/null || true ;;
  esac
  switches=$(($(switches_of "$run") - switches_before))
  read -r busy_after _ all_after < <(machine_ticks)
  wait "$run"
  grep -E '^tps|latency average' /tmp/prof_run.txt
  awk -v switches="$switches" '/^tps/ { printf "pgbench per transaction: %.1f context switches\n",
                                            switches / ($3 * 8) }' /tmp/prof_run.txt
  busy_share $((busy_after - busy_before)) $((all_after - all_before))
  exit 0
fi
env ${SERVER_PRELOAD:+LD_PRELOAD=$SERVER_PRELOAD} \
  "$build/adapters/cli/outpost" serve --database "$db" --listen 127.0.0.1:18555 --log-level warn \
  2>"$work/server.log" &
server=$!
sleep 3

loadgen=("$build/bench/outpost_loadgen" --target 127.0.0.1:18555 --token profile-token --threads 1)
warm=()
timed=()
case $scenario in
  list)
    psql_q -v n=1000000 -v prefix=BL -f "$root/bench/bulk_load.sql" "$db"
    psql_q -c 'VACUUM ANALYZE cases' "$db"
    loadgen+=(--scenario list --concurrency "${CONCURRENCY:-32}"
      --list-query 'state=mediating&limit=50' --list-query 'community=LY&limit=50'
      --list-query 'state=closed&limit=50' --list-query 'community=JS&state=follow_up&limit=50')
    ;;
  transition | transition-sqlite)
    # Cases for the warm-up and for the run (7 events each), created untimed;
    # each run walks its own (a closed case would refuse the next lifecycle).
    "${loadgen[@]}" --scenario create --concurrency 16 --duration 3600 --count 14000 \
      --ids-out "$work/ids" >/dev/null
    head -n 5000 "$work/ids" >"$work/ids-warm"
    tail -n +5001 "$work/ids" >"$work/ids-run"
    loadgen+=(--scenario transition --concurrency "${CONCURRENCY:-16}")
    warm=(--ids-in "$work/ids-warm")
    timed=(--ids-in "$work/ids-run")
    ;;
  read)
    "${loadgen[@]}" --scenario create --concurrency 16 --duration 3600 --count 20000 \
      --ids-out "$work/ids" >/dev/null
    # As bench/run: the creates' history rows are in the history log first.
    for ((i = 0; i < 600; i++)); do
      (($(psql -At -c 'SELECT count(*) FROM history_queue' "$db") == 0)) && break
      sleep 0.5
    done
    loadgen+=(--scenario read --concurrency "${CONCURRENCY:-64}" --ids-in "$work/ids")
    ;;
  *)
    echo "bench/profile.sh: unknown scenario $scenario (list, transition, transition-sqlite, read)" >&2
    exit 2
    ;;
esac

"${loadgen[@]}" "${warm[@]}" --duration 8 >/dev/null
# The server's CPU time (user + system clock ticks, and the system part) around the timed run.
server_ticks() { awk '{ print $14 + $15, $15 }' "/proc/$server/stat"; }
read -r ticks_before system_before < <(server_ticks)
read -r busy_before _ all_before < <(machine_ticks)
switches_before=$(switches_of "$server")
"${loadgen[@]}" "${timed[@]}" --duration 12 >/tmp/prof_run.txt &
run=$!
sleep 1
case ${PROFILE:-server} in
  none) sleep 8 ;;
  strace) timeout 5 strace -c -f -p "$server" -o /tmp/prof_strace.txt || true; sleep 3 ;;
  system) perf record --call-graph "$callgraph" -a -o /tmp/prof.data -- sleep 8 2>/dev/null || true ;;
  *) perf record --call-graph "$callgraph" -p "$server" -o /tmp/prof.data -- sleep 8 2>/dev/null || true ;;
esac
wait "$run"
read -r ticks_after system_after < <(server_ticks)
ticks=$((ticks_after - ticks_before))
system=$((system_after - system_before))
read -r busy_after _ all_after < <(machine_ticks)
switches=$(($(switches_of "$server") - switches_before))
grep '^result' /tmp/prof_run.txt
# Per operation of the timed run (perf's own share, when profiling, included).
awk -v ticks="$ticks" -v sys="$system" -v hz="$(getconf CLK_TCK)" -v switches="$switches" '
  /^result / { for (i = 1; i <= NF; i++) if ($i ~ /^count=/) n += substr($i, 7) }
  END { if (n > 0) printf "server per operation: %.0f µs of CPU (%.0f in the kernel), %.1f context switches\n",
                          ticks * 1e6 / hz / n, sys * 1e6 / hz / n, switches / n }' /tmp/prof_run.txt
busy_share $((busy_after - busy_before)) $((all_after - all_before))
