#!/usr/bin/env bash
# Checks Outpost's signed checkpoint, inclusion and consistency proofs with Go's
# golang.org/x/mod/sumdb/{note,tlog} (Debian golang-golang-x-mod-dev; no download):
# a server with demo data, a checkpoint signed by `outpost audit checkpoint`,
# the audit bundle of every case and consistency proofs from the HTTP API.
#   go_crosscheck.sh OUTPOST_BINARY WORK_DIR
set -euo pipefail
outpost=$1
work=$(realpath "$(mktemp -d "${2:-/tmp}/go-crosscheck.XXXXXX")")
server=
cleanup() {
  [[ -n "$server" ]] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
src=$(cd "$(dirname "$0")" && pwd)

export OUTPOST_AUDIT_SIGNING_KEY_FILE=$work/signing-key OUTPOST_BOOTSTRAP_TOKEN=crosscheck-token
export OUTPOST_PII_KEY=00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff
db=sqlite:$work/outpost.db
vkey=$("$outpost" audit generate-key "$OUTPOST_AUDIT_SIGNING_KEY_FILE" --origin outpost.test/crosscheck)
"$outpost" serve --database "$db" --listen 127.0.0.1:0 --demo-data --ready-file "$work/ready" \
  >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 1 300); do [[ -s "$work/ready" ]] && break; sleep 0.1; done
[[ -s "$work/ready" ]] || { cat "$work/server.log"; exit 1; }
base=http://$(cat "$work/ready")/api/v1
auth=(-sf -H "Authorization: Bearer $OUTPOST_BOOTSTRAP_TOKEN")

"$outpost" audit checkpoint --database "$db" >/dev/null
size=$(curl "${auth[@]}" "$base/history/checkpoints/latest" | python3 -c 'import json,sys; print(json.load(sys.stdin)["tree_size"])')
cases=$(curl "${auth[@]}" "$base/cases?limit=100" | python3 -c 'import json,sys; print(",".join(str(c["id"]) for c in json.load(sys.stdin)["items"]))')
curl "${auth[@]}" "$base/exports/audit-bundle?cases=$cases" >"$work/bundle.json"
consistency=()
for from in 1 2 3 $((size / 2)) $((size - 1)) "$size"; do
  ((from >= 1 && from <= size)) || continue
  curl "${auth[@]}" "$base/history/proofs/consistency?from=$from&to=$size" >"$work/consistency-$from.json"
  consistency+=("$work/consistency-$from.json")
done

cd "$work"
GO111MODULE=off GOPATH=/usr/share/gocode GOCACHE=${GOCACHE:-$work/gocache} \
  go build -o crosscheck "$src/crosscheck.go"
./crosscheck "$vkey" bundle.json "${consistency[@]}"
# A tampered bundle must fail in Go too.
python3 - bundle.json <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
doc["cases"][0]["history"][0]["actor"] = "mallory"
json.dump(doc, open("tampered.json", "w"), ensure_ascii=False)
PY
if ./crosscheck "$vkey" tampered.json 2>"$work/tampered.err"; then
  echo "crosscheck accepted a tampered bundle" >&2
  exit 1
fi
grep -q "seq 1" "$work/tampered.err"
echo "go crosscheck: ok"
