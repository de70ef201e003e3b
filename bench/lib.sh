# Shared by bench/run and bench/scale (sourced, not run): a throwaway
# PostgreSQL, Outpost servers on it, the load generator and pgbench runs, and
# the /proc CPU samples around each run that bench/report.py turns into µs per
# operation. The caller sets root, work, results, outpost, loadgen_bin, token,
# duration, pg_seconds, loadgen_threads and (optionally) worker_threads, and
# calls bench_cleanup from its EXIT trap. keep_dir (optional) keeps the
# cluster and the keys between runs (bench/scale --keep).

readonly PG_BIN=/usr/lib/postgresql/15/bin

say() { echo "bench: $*" >&2; }
psql_q() { "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 "$@"; }

server_pid=     # the server started last (its RSS is sampled by the load generator)
server_pids=()  # every server running; their CPU is the "server" column
clk_tck=$(getconf CLK_TCK)

# CPU time used so far, in clock ticks: "busy=… steal=… pg=… server=…" — the
# whole machine (user, nice, system, irq, softirq), the time the hypervisor
# gave to other guests while this one wanted to run (steal: a run with much of
# it was measured on a machine that was not its own), PostgreSQL (the
# postmaster, its live processes and the ones it has reaped) and the servers;
# and "wal=…", the bytes of WAL the cluster has written. Two samples around a
# run say where that run's CPU went, and how much it logged (bench/report.py).
# The machine's ticks so far (/proc/stat): "busy steal all" — busy is user,
# nice, system, irq and softirq; all adds idle and iowait to them and steal.
machine_ticks() {
  awk '$1 == "cpu" {print $2 + $3 + $4 + $7 + $8, $9, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9; exit}' /proc/stat
}

cpu_sample() {
  local busy steal pg postmaster server=0 wal pid
  read -r busy steal _ < <(machine_ticks)
  postmaster=$(head -n 1 "$(<"$pg_dir/datadir")/postmaster.pid")
  # /proc/PID/stat after "(comm) ": $2 ppid, $12 utime, $13 stime, $14 cutime,
  # $15 cstime. (No pgrep: procps is not on every Debian 12.)
  pg=$({ cat /proc/[0-9]*/stat 2>/dev/null || true; } |
    awk -v pm="$postmaster" '{pid = $1; sub(/^[^)]*\) /, "")}
      pid == pm {t += $12 + $13 + $14 + $15} $2 == pm {t += $12 + $13} END {print t + 0}')
  for pid in "${server_pids[@]}"; do
    server=$((server + $(sed 's/^[^)]*) //' "/proc/$pid/stat" | awk '{print $12 + $13}')))
  done
  wal=$(psql_q -At -c "SELECT pg_current_wal_lsn() - '0/0'::pg_lsn" "$pg_base/postgres")
  echo "busy=$busy steal=$steal pg=$pg server=$server wal=${wal%.*}"
}

# cpu_delta "BEFORE" "AFTER": the ticks between two samples, as result fields.
cpu_delta() {
  awk -v a="$1" -v b="$2" -v hz="$clk_tck" 'BEGIN {
    n = split(a, x, /[ =]/); split(b, y, /[ =]/)
    out = "cpu_hz=" hz
    for (i = 1; i < n; i += 2) out = out " cpu_" x[i] "=" (y[i + 1] - x[i + 1])
    print out }'
}

# Starts the throwaway cluster in $work/pg (or $keep_dir/pg, where a cluster
# left running by an earlier run is used again); sets pg_dir, pg_base (URL
# without a database) and pg_port.
start_postgresql() {
  pg_dir=${keep_dir:-$work}/pg
  if [[ -s $pg_dir/url ]] && "$PG_BIN/psql" -X -q -c 'SELECT 1' "$(<"$pg_dir/url")" >/dev/null 2>&1; then
    say "using the PostgreSQL cluster kept in $pg_dir"
  else
    say "starting PostgreSQL"
    "$root/tests/support/pg_fixture.sh" start "$pg_dir" >&2
  fi
  pg_base=$(<"$pg_dir/url")
  pg_base=${pg_base%/*}
  pg_port=${pg_base##*:}
}

create_database() { "$PG_BIN/createdb" -h 127.0.0.1 -p "$pg_port" -U postgres "$1"; }

# The personal-data key of this run's servers, and the history checkpoints'
# signing key (PostgreSQL needs both).
make_keys() {
  local dir=${keep_dir:-$work}
  [[ -s $dir/pii-key ]] || od -An -tx1 -N32 /dev/urandom | tr -d ' \n' >"$dir/pii-key"
  pii_key=$(<"$dir/pii-key")
  signing_key=$dir/signing-key
  [[ -s $signing_key ]] || "$outpost" audit generate-key "$signing_key" >/dev/null
}

start_server() { # NAME DATABASE-URL [LISTEN]: sets server_pid and address
  local ready=$work/$1.ready i
  rm -f "$ready"
  (
    cd "$root"
    export OUTPOST_BOOTSTRAP_TOKEN=$token
    export OUTPOST_PII_KEY=$pii_key
    export OUTPOST_AUDIT_SIGNING_KEY_FILE=$signing_key
    [[ -z $worker_threads ]] || export OUTPOST_WORKER_THREADS=$worker_threads
    exec "$outpost" serve --listen "${3:-127.0.0.1:0}" --database "$2" --ready-file "$ready" \
      --log-level warn 2>"$work/$1.log"
  ) &
  server_pid=$!
  server_pids+=("$server_pid")
  for ((i = 0; i < 600; i++)); do
    [[ -s $ready ]] && break
    kill -0 "$server_pid" 2>/dev/null || { cat "$work/$1.log" >&2; say "the server died"; exit 1; }
    sleep 0.1
  done
  [[ -s $ready ]] || { say "the server did not become ready"; exit 1; }
  address=$(<"$ready")
  say "server ($1) on $address, pid $server_pid"
}

stop_server() { # [BACKEND: record its peak RSS] — stops the server started last
  local hwm pid=$server_pid
  if [[ -n ${1:-} ]]; then
    hwm=$(awk '/^VmHWM:/ {print $2}' "/proc/$pid/status")
    echo "peak_rss backend=$1 vmhwm_kb=$hwm" >>"$results"
  fi
  kill -TERM "$pid"
  wait "$pid" || { say "the server did not exit cleanly"; exit 1; }
  local rest=() p
  for p in "${server_pids[@]}"; do [[ $p == "$pid" ]] || rest+=("$p"); done
  server_pids=("${rest[@]}")
  server_pid=
  ((${#server_pids[@]} == 0)) || server_pid=${server_pids[-1]}
}

bench_cleanup() {
  local pid
  for pid in "${server_pids[@]}"; do
    kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  done
  [[ -n ${keep_dir:-} || ! -s $work/pg/url ]] || "$root/tests/support/pg_fixture.sh" stop "$work/pg" >/dev/null 2>&1
}

# loadgen BACKEND SCENARIO CONCURRENCY [options...] against $address; the
# result line is named by the scenario, or by $op_name when it is set.
loadgen() {
  local backend=$1 scenario=$2 conc=$3
  shift 3
  local name=${op_name:-$scenario}
  say "$backend: $name over HTTP, $conc connections, ${duration}s"
  local before after
  before=$(cpu_sample)
  "$loadgen_bin" --target "$address" --token "$token" --scenario "$scenario" \
    --duration "$duration" --concurrency "$conc" --threads "$loadgen_threads" \
    --server-pid "$server_pid" "$@" >"$work/loadgen.out"
  after=$(cpu_sample)
  # The run's CPU goes on the line of its scenario's own operation.
  sed -e "/^result op=$scenario /s/\$/ $(cpu_delta "$before" "$after")/" \
    -e "s/^result op=$scenario /result op=$name /" \
    -e "s/^result /result backend=$backend kind=engine /" \
    -e "s/^rss /rss backend=$backend scenario=$name conc=$conc /" "$work/loadgen.out" >>"$results"
}

# ceiling OP CONCURRENCY DATABASE-URL [pgbench options...]
ceiling() {
  local op=$1 conc=$2 db=$3 i
  shift 3
  say "postgresql: $op as direct SQL (pgbench), $conc clients, ${pg_seconds}s"
  psql_q -c CHECKPOINT "$db"
  rm -f "$work/pgb-$op-$conc".*
  local before after
  before=$(cpu_sample)
  (
    cd "$work"
    "$PG_BIN/pgbench" -n -M prepared -c "$conc" -j $((conc < 2 ? 1 : 2)) -T "$pg_seconds" \
      -l --log-prefix="pgb-$op-$conc" "$@" "$db" >"pgbench-$op-$conc.out" 2>&1
  ) || { cat "$work/pgbench-$op-$conc.out" >&2; say "pgbench failed"; exit 1; }
  # pgbench's backends exit after it does: wait (≤ 2 s) until the postmaster
  # has reaped them, or their CPU time is in neither sample.
  for ((i = 0; i < 20; i++)); do
    (($(psql_q -At -c "SELECT count(*) FROM pg_stat_activity
      WHERE application_name = 'pgbench'" "$pg_base/postgres") == 0)) && break
    sleep 0.1
  done
  after=$(cpu_sample)
  "$root/bench/report.py" pgbench --op "$op" --conc "$conc" \
    --output "$work/pgbench-$op-$conc.out" --logs "$work/pgb-$op-$conc" \
    --cpu "$(cpu_delta "$before" "$after")" >>"$results"
}

# Creates have to wait for each other (the case-number counter row), so the
# create run leaves fewer cases than the transition run may need: top up over
# HTTP, untimed, to 1.5 × what the ceiling's rate would use, so that the timed
# run does not have to create cases (it would, and report create_inline).
prepare_cases() { # CONCURRENCY IDS-FILE
  local rate need have
  rate=$(awk -v c="$1" '$1 == "result" && / kind=ceiling / && / op=transition / && $0 ~ (" conc=" c " ") {
    for (i = 1; i <= NF; i++) if ($i ~ /^rps=/) r = substr($i, 5) } END {print int(r)}' "$results")
  need=$(((rate * ${duration%.*} * 3 / 2) / 7 + 1))
  have=$(wc -l <"$2")
  if ((need > have)); then
    say "postgresql: creating $((need - have)) more cases for the transition run (untimed)"
    "$loadgen_bin" --target "$address" --token "$token" --scenario create --duration 3600 \
      --concurrency "$1" --count $((need - have)) --ids-out "$2" >/dev/null
  fi
}

count_cases() { # BACKEND DATABASE
  echo "cases backend=$1 cases=$(psql_q -At -c 'SELECT count(*) FROM cases' "$2")" >>"$results"
}
