#!/usr/bin/env bash
# The backup drill (issue 20 item 6, docs/BACKUP.md): an SQLite outpost filled
# over HTTP for a while, then backed up while clients keep creating cases,
# restored into a new file, and moved to PostgreSQL; seconds and rows of each.
#
#   bench/backup_drill.sh [--seconds N] [--build-dir DIR]
#
# Starts `outpost serve` on a new SQLite file, runs outpost_loadgen's
# `create` and then `transition` scenarios for N seconds each (default 20:
# cases and their whole histories), then `create` again while `outpost
# backup` runs; stops the server, `outpost restore`s the backup into a new
# file, starts a throwaway PostgreSQL 15 (tests/support/pg_fixture.sh) and
# runs `outpost migrate-to-postgresql` into it. restore and the move end with
# `outpost audit verify`'s checks. Prints `result …` lines and stops
# everything it started. Does not build: run `cmake --build --preset default
# --target outpost outpost_loadgen` first; reads row counts with the sqlite3
# command (scripts/setup --test installs it).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
readonly root
seconds=20
build_dir=$root/build/default
while (($#)); do
  case $1 in
    --seconds) seconds=$2; shift 2 ;;
    --build-dir) build_dir=$2; shift 2 ;;
    *) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
  esac
done
outpost=$build_dir/adapters/cli/outpost
loadgen=$build_dir/bench/outpost_loadgen
say() { echo "drill: $*" >&2; }
now_ms() { echo $(($(date +%s%N) / 1000000)); }
since() { awk -v a="$1" -v b="$(now_ms)" 'BEGIN { printf "%.2f", (b - a) / 1000 }'; }

source "$root/bench/bench_server.sh"
bench_work outpost-backup-drill

database=sqlite:$work/outpost.db
bench_serve "$database"

load() {  # SCENARIO SECONDS [ARGS…]
  "$loadgen" --target "$address" --token "$token" --scenario "$1" --duration "$2" \
    --concurrency 8 "${@:3}"
}
say "filling for ${seconds}s: create, then transition"
load create "$seconds" --ids-out "$work/ids" | sed 's/^/fill: /' >&2
load transition "$seconds" --ids-in "$work/ids" | sed 's/^/fill: /' >&2
"$outpost" audit checkpoint --database "$database" >/dev/null

count() { sqlite3 "$1" "SELECT count(*) FROM $2"; }
cases=$(count "$work/outpost.db" cases)
history=$(count "$work/outpost.db" history)
say "$cases cases, $history history rows; backing up under create load"
load create 10 >"$work/under-backup" &
loader=$!
sleep 2
started=$(now_ms)
"$outpost" backup --database "$database" --out "$work/backup.db" >"$work/backup.out" 2>"$work/backup.log"
backup_s=$(since "$started")
wait "$loader"
sed 's/^/during backup: /' "$work/under-backup" >&2
kill -TERM "$server_pid"
wait "$server_pid" || true
server_pid=
bytes=$(stat -c %s "$work/backup.db")
echo "result step=backup backend=sqlite cases=$(count "$work/backup.db" cases)" \
  "history=$(count "$work/backup.db" history) bytes=$bytes seconds=$backup_s" \
  "(the backup's content; $(count "$work/outpost.db" cases) cases once the load stopped)"

started=$(now_ms)
"$outpost" restore --from "$work/backup.db" --database "sqlite:$work/restored.db" \
  >"$work/restore.out" 2>"$work/restore.log"
restore_s=$(since "$started")
cat "$work/restore.out" >&2
echo "result step=restore backend=sqlite cases=$(count "$work/restored.db" cases)" \
  "history=$(count "$work/restored.db" history) seconds=$restore_s (with audit verify)"

"$root/tests/support/pg_fixture.sh" start "$work/pg" >/dev/null
started=$(now_ms)
"$outpost" migrate-to-postgresql --from "$database" --to "$(<"$work/pg/url")" \
  >"$work/move.out" 2>"$work/move.log"
move_s=$(since "$started")
cat "$work/move.out" >&2
rows=$(grep -o 'copied [0-9]* rows' "$work/move.out" | awk '{print $2}')
echo "result step=migrate-to-postgresql cases=$(count "$work/outpost.db" cases)" \
  "history=$(count "$work/outpost.db" history) rows=${rows:-?} seconds=$move_s" \
  "(with migrations and audit verify)"
