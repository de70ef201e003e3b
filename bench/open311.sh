#!/usr/bin/env bash
# Open311 beside the native API (issue 22): a resident request filed and read
# back over /open311/v2 and over /api/v1, the same request each way, by the
# load generator on one server in one run.
#
#   bench/open311.sh [--backend sqlite|postgresql] [--duration S] [--concurrency N]
#                    [--build-dir DIR]
#   bench/open311.sh --make-key ADDRESS ADMIN-TOKEN   (prints a new channel's api_key;
#                                                     bench/run uses it)
#
# Prints the loadgen's result lines and the ratio Open311 / native for create
# and get in a create-then-get loop, and for reads alone of the same requests
# (request_read / open311_read) (goal ≥ 0.8). Starts its own server (and, for postgresql, a
# throwaway cluster: tests/support/pg_fixture.sh) and stops what it started.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)

make_key() { # ADDRESS TOKEN
  curl -sf -H "Authorization: Bearer $2" -H 'Content-Type: application/json' \
    -d '{"name":"bench_'"$RANDOM$RANDOM"'","display_name":"压测渠道","rate_per_minute":100000}' \
    "http://$1/api/v1/channels" | python3 -c 'import json,sys; print(json.load(sys.stdin)["api_key"])'
}
if [[ ${1:-} == --make-key ]]; then make_key "$2" "$3"; exit; fi

backend=sqlite duration=10 concurrency=16 build_dir=$root/build/default
while (($#)); do
  case $1 in
    --backend) backend=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --concurrency) concurrency=$2; shift 2 ;;
    --build-dir) build_dir=$2; shift 2 ;;
    *) sed -n '2,13p' "$0" >&2; exit 2 ;;
  esac
done
outpost=$build_dir/adapters/cli/outpost
loadgen_bin=$build_dir/bench/outpost_loadgen
[[ -x $outpost && -x $loadgen_bin ]] || { echo "build outpost and outpost_loadgen first" >&2; exit 1; }

work=$(mktemp -d /tmp/outpost-open311-bench.XXXXXX)
server_pid=
cleanup() {
  [[ -z $server_pid ]] || { kill -TERM "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null; }
  [[ $backend != postgresql ]] || "$root/tests/support/pg_fixture.sh" stop "$work/pg" >/dev/null 2>&1
  rm -rf -- "$work"
}
trap cleanup EXIT
if [[ $backend == postgresql ]]; then
  "$root/tests/support/pg_fixture.sh" start "$work/pg" >&2
  database=$(<"$work/pg/url")
else
  database=sqlite:$work/outpost.db
fi
token=bench-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
"$outpost" audit generate-key "$work/signing-key" >/dev/null
OUTPOST_BOOTSTRAP_TOKEN=$token OUTPOST_PII_KEY=$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n') \
  OUTPOST_AUDIT_SIGNING_KEY_FILE=$work/signing-key \
  "$outpost" serve --listen 127.0.0.1:0 --database "$database" --ready-file "$work/ready" \
  --log-level warn 2>"$work/server.log" &
server_pid=$!
for ((i = 0; i < 600; i++)); do [[ -s $work/ready ]] && break; sleep 0.1; done
address=$(<"$work/ready")
key=$(make_key "$address" "$token")
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores; backend $backend"
for scenario in request open311; do
  "$loadgen_bin" --target "$address" --token "$token" --scenario "$scenario" \
    --duration "$duration" --concurrency "$concurrency" --api-key "$key" | tee -a "$work/results"
done
# Reads alone: the same 100 resident requests (filed by the runs above) by
# the native GET and by Open311's, so the create's cost hides neither.
curl -sf -H "Authorization: Bearer $token" "http://$address/api/v1/cases?kind=request&limit=100" |
  python3 -c 'import json,sys; print("\n".join(str(c["id"]) for c in json.load(sys.stdin)["items"]))' \
    >"$work/ids"
for scenario in request_read open311_read; do
  "$loadgen_bin" --target "$address" --token "$token" --scenario "$scenario" --ids-in "$work/ids" \
    --duration "$duration" --concurrency "$concurrency" | tee -a "$work/results"
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
awk '$1 == "result" { for (i = 2; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] } rps[f["op"]] = f["rps"] }
  END { for (op in rps) if (op ~ /^open311_/) { n = "request_" substr(op, 9)
          printf "%s / %s = %.2f (goal >= 0.8)\n", op, n, rps[op] / rps[n] } }' "$work/results"
