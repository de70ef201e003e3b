# Sourced by the bench scripts that run an `outpost serve` of their own
# (xlsx.sh, backup_drill.sh); needs $root and $outpost set first.
#
#   source "$root/bench/bench_server.sh"
#   bench_work outpost-xlsx-bench   # $work: a temporary folder; at exit the server,
#                                   # the PostgreSQL of $work/pg (if any) and $work go
#   bench_serve "$database"         # new keys (exported OUTPOST_PII_KEY and
#                                   # OUTPOST_AUDIT_SIGNING_KEY_FILE, for the
#                                   # commands run beside it); sets $token,
#                                   # $address and $server_pid

bench_work() {
  work=$(mktemp -d "/tmp/$1.XXXXXX")
  server_pid=
  trap bench_cleanup EXIT
}

bench_cleanup() {
  local status=$?
  [[ -z $server_pid ]] || { kill -TERM "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null || true; }
  "$root/tests/support/pg_fixture.sh" stop "$work/pg" >/dev/null 2>&1 || true
  rm -rf -- "$work"
  exit "$status"
}

bench_serve() {
  local database=$1 ready=$work/ready i
  token=bench-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
  "$outpost" audit generate-key "$work/signing-key" >/dev/null
  OUTPOST_PII_KEY=$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')
  export OUTPOST_PII_KEY OUTPOST_AUDIT_SIGNING_KEY_FILE=$work/signing-key
  (
    cd "$root"
    export OUTPOST_BOOTSTRAP_TOKEN=$token
    exec "$outpost" serve --listen 127.0.0.1:0 --database "$database" --ready-file "$ready" \
      --log-level warn 2>"$work/server.log"
  ) &
  server_pid=$!
  for ((i = 0; i < 600; i++)); do
    [[ -s $ready ]] && break
    kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log" >&2; echo "the server died" >&2; exit 1; }
    sleep 0.1
  done
  address=$(<"$ready")
}
