#!/usr/bin/env bash
# The SIGKILL test (tests/reliability/kill_test.py) with more rounds than CI's
# 20, on one backend, e.g. 200 kills at 0.3-3 s on PostgreSQL:
#
#   bench/kill_loop.sh postgresql 200 [kill_test.py options, e.g. --max-delay 3]
#
# PostgreSQL: starts its own throwaway cluster (tests/support/pg_fixture.sh)
# and removes it at the end. Needs a built `outpost` (build/default).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
backend=${1:?usage: $0 sqlite|postgresql ROUNDS [options]}
rounds=${2:?usage: $0 sqlite|postgresql ROUNDS [options]}
shift 2
export OUTPOST_BINARY=${OUTPOST_BINARY:-$root/build/default/adapters/cli/outpost}
export OUTPOST_TEST_BACKEND=$backend
work=$(mktemp -d /tmp/outpost-kill-loop.XXXXXX)
export OUTPOST_TEST_WORK_DIR=$work
cleanup() {
  [[ $backend == postgresql ]] && "$root/tests/support/pg_fixture.sh" stop "$work/pg" >/dev/null
  rm -rf -- "$work"
}
trap cleanup EXIT
if [[ $backend == postgresql ]]; then
  "$root/tests/support/pg_fixture.sh" start "$work/pg" >/dev/null
  export OUTPOST_TEST_PG_URL_FILE=$work/pg/url
fi
exec_start=$(date +%s)
python3 "$root/tests/reliability/kill_test.py" --rounds "$rounds" "$@"
echo "kill_loop: $rounds kills on $backend in $(($(date +%s) - exec_start)) s"
