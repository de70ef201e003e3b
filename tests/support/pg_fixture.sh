#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster for the tests (the CTest fixture `postgres`).
#
#   pg_fixture.sh start DIR   # initdb into a fresh /tmp folder, start on a free
#                             # loopback port, write DIR/url and DIR/datadir
#   pg_fixture.sh stop DIR    # stop the cluster, remove its folder and DIR/url
#   pg_fixture.sh pause DIR   # stop the server only (an outage; tests/reliability)
#   pg_fixture.sh resume DIR  # start it again on the same port
#
# Needs only the server binaries (no Debian cluster wrapper, no running system
# cluster). As root the server runs as the `postgres` user.
set -euo pipefail

readonly PG_BIN=/usr/lib/postgresql/15/bin
readonly FIRST_PORT=55432
readonly PORT_ATTEMPTS=100

usage() {
  echo "usage: $0 start|stop|pause|resume DIR" >&2
  exit 2
}

say() { echo "pg_fixture: $*"; }

# Runs a server binary as the cluster's owner.
as_owner() {
  if [[ $(id -u) -eq 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Stops and removes the cluster recorded in DIR, if any. Only removes folders
# this script made (mktemp pattern below).
stop_cluster() {
  local dir=$1 datadir
  if [[ -f $dir/datadir ]]; then
    datadir=$(<"$dir/datadir")
    if [[ $datadir == /tmp/outpost-pg.* && -d $datadir ]]; then
      if [[ -f $datadir/postmaster.pid ]]; then
        say "stopping the cluster in $datadir"
        as_owner "$PG_BIN/pg_ctl" stop -D "$datadir" -m fast -w >/dev/null ||
          say "pg_ctl stop failed; removing the folder anyway"
      fi
      say "removing $datadir"
      rm -rf -- "$datadir"
    fi
  fi
  rm -f -- "$dir/url" "$dir/datadir"
}

start_cluster() {
  local dir=$1 datadir port attempt
  mkdir -p -- "$dir"
  stop_cluster "$dir"

  [[ -x $PG_BIN/initdb ]] || { say "no PostgreSQL 15 in $PG_BIN (install postgresql-15)" >&2; exit 1; }
  datadir=$(mktemp -d /tmp/outpost-pg.XXXXXX)
  echo "$datadir" >"$dir/datadir"
  if [[ $(id -u) -eq 0 ]]; then
    id postgres >/dev/null 2>&1 || { say "user postgres is missing" >&2; exit 1; }
    chown postgres: "$datadir"
  fi

  say "initdb into $datadir"
  if ! as_owner "$PG_BIN/initdb" -D "$datadir" --auth=trust -U postgres --encoding=UTF8 \
    --locale=C.UTF-8 >"$dir/initdb.log" 2>&1; then
    cat "$dir/initdb.log" >&2
    exit 1
  fi

  # Another run may take the port between the probe and the start: try the next.
  port=$FIRST_PORT
  for ((attempt = 0; attempt < PORT_ATTEMPTS; attempt++, port++)); do
    port_in_use "$port" && continue
    say "starting on 127.0.0.1:$port"
    if as_owner "$PG_BIN/pg_ctl" start -w -t 60 -D "$datadir" -l "$datadir/server.log" \
      -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$datadir -c fsync=on -c synchronous_commit=on" \
      >/dev/null; then
      echo "postgresql://postgres@127.0.0.1:$port/postgres" >"$dir/url"
      say "ready: $(<"$dir/url")"
      return 0
    fi
    tail -n 5 "$datadir/server.log" >&2 || true
  done
  say "no free port in $FIRST_PORT..$((FIRST_PORT + PORT_ATTEMPTS - 1))" >&2
  exit 1
}

# The outage tests' own cluster (never the shared fixture): stop the server
# and keep its folder, then start it on the port its URL names.
pause_cluster() {
  as_owner "$PG_BIN/pg_ctl" stop -D "$(<"$1/datadir")" -m fast -w >/dev/null
}

resume_cluster() {
  local datadir port
  datadir=$(<"$1/datadir")
  port=$(sed -E 's|.*:([0-9]+)/.*|\1|' "$1/url")
  as_owner "$PG_BIN/pg_ctl" start -w -t 60 -D "$datadir" -l "$datadir/server.log" \
    -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$datadir -c fsync=on -c synchronous_commit=on" \
    >/dev/null
}

[[ $# -eq 2 ]] || usage
case $1 in
  start) start_cluster "$2" ;;
  stop) stop_cluster "$2" ;;
  pause) pause_cluster "$2" ;;
  resume) resume_cluster "$2" ;;
  *) usage ;;
esac
