#!/usr/bin/env bash
# Runs README command 1 (scripts/demo) on a free port with a throwaway database
# and checks that GET /readyz answers 200 and that SIGTERM stops it with exit 0.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
OUTPOST_LISTEN=127.0.0.1:$port OUTPOST_DATABASE=sqlite:$work/demo.db OUTPOST_BOOTSTRAP_TOKEN=readme-test \
  "$repo/scripts/demo" > "$work/out.log" 2>&1 &
pid=$!
for _ in $(seq 1 600); do
  if [[ $(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/readyz") == 200 ]]; then
    cases=$(curl -s -H 'Authorization: Bearer readme-test' "http://127.0.0.1:$port/api/v1/cases?limit=500" |
      python3 -c 'import json,sys; print(len(json.load(sys.stdin)["items"]))')
    echo "readyz 200; demo cases: $cases"
    kill -TERM "$pid"
    wait "$pid" && code=0 || code=$?
    echo "exit code after SIGTERM: $code"
    [[ $cases -ge 40 && $code -eq 0 ]] && exit 0
    cat "$work/out.log"
    exit 1
  fi
  kill -0 "$pid" 2>/dev/null || { cat "$work/out.log"; echo "scripts/demo exited early"; exit 1; }
  sleep 0.5
done
cat "$work/out.log"
echo "GET /readyz did not answer 200 within 300 s"
exit 1
