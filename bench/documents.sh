#!/usr/bin/env bash
# Document generation (issue 23 §1): the time of POST /api/v1/cases/{id}/documents
# for a written agreement (人民调解协议书: compose from the case and its history,
# two cairo/Pango passes for "共 N 页", QR code, seal with the personal-data
# key, one history row and the sealed PDF in one transaction), over HTTP on
# one case, one request at a time; then the download of one (a logged reveal).
#
#   bench/documents.sh OUTPOST_BINARY [GENERATIONS] [DATABASE_URL]
#
# Without DATABASE_URL a fresh SQLite file in a scratch directory. Prints
#   documents generations=N p50_ms=… p99_ms=… max_ms=… pdf_bytes=… download_p50_ms=…
# (curl's time_total per request, keep-alive not used: each includes a connect).
set -euo pipefail

outpost=$1 count=${2:-200}
work=$(mktemp -d)
db=${3:-sqlite:$work/bench.db}
port=$((20000 + RANDOM % 20000))
token=bench-bootstrap-token-0123456789
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; rm -rf "$work"' EXIT

head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$work/pii.key"
OUTPOST_BOOTSTRAP_TOKEN=$token OUTPOST_PII_KEY=$(cat "$work/pii.key") \
  OUTPOST_AUDIT_SIGNING_KEY_FILE=$work/signing.key \
  "$outpost" audit generate-key "$work/signing.key" >/dev/null
OUTPOST_BOOTSTRAP_TOKEN=$token OUTPOST_PII_KEY=$(cat "$work/pii.key") \
  OUTPOST_AUDIT_SIGNING_KEY_FILE=$work/signing.key \
  "$outpost" serve --listen "127.0.0.1:$port" --database "$db" --ready-file "$work/ready" \
  >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 1 150); do [[ -f $work/ready ]] && break; sleep 0.2; done
[[ -f $work/ready ]] || { cat "$work/server.log" >&2; exit 1; }

api=http://127.0.0.1:$port/api/v1
post() { # PATH JSON [TOKEN] → body
  curl -sf -H "Authorization: Bearer ${3:-$token}" -H 'Content-Type: application/json' \
    -d "$2" "$api$1"
}
# A desk clerk may reveal (config/permissions.json); the admin creates one.
post /users '{"username":"bench-desk","password":"bench-desk-password-1","role":"desk"}' >/dev/null
desk=$(post /users/bench-desk/tokens '{}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')

id=$(post /cases '{"kind":"dispute","category":"neighbour","title":"楼上漏水影响楼下住户",
  "description":"楼上卫生间漏水，双方就维修费用协商未果。","channel":"desk",
  "location":{"community":"LF","grid":"LF-G01","address":"西山坪家属区3栋"},
  "parties":[{"role":"applicant","name":"张秀英","phone":"13800138000","id_number":"500109198801012345"},
             {"role":"respondent","name":"李建国","phone":"13900139000"}]}' |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
for event in '{"event":"record_consent","party":1,"consent":"agree","form":"written"}' \
  '{"event":"record_consent","party":2,"consent":"agree","form":"written"}' \
  '{"event":"accept"}' '{"event":"assign","department":"police","assignees":["police-01"]}' \
  '{"event":"start_mediation"}' '{"event":"record_session","summary":"双方到场陈述。"}' \
  '{"event":"reach_agreement","form":"written","facts":"楼上卫生间漏水致楼下天花板受损",
    "issues":"维修费用由谁承担","terms":"楼上住户承担维修费用四千元","performance_method":"一次性支付",
    "performance_due":"2027-06-30"}'; do
  post "/cases/$id/events" "$event" >/dev/null
done

times=$work/times
for _ in $(seq 1 "$count"); do
  curl -sf -o "$work/last.json" -w '%{time_total}\n' -H "Authorization: Bearer $desk" \
    -H 'Content-Type: application/json' -d '{"kind":"agreement","purpose":"基准测试"}' \
    "$api/cases/$id/documents" >>"$times"
done
doc=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["id"])' "$work/last.json")
size=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["size"])' "$work/last.json")
for _ in $(seq 1 20); do
  curl -sf -o /dev/null -w '%{time_total}\n' -H "Authorization: Bearer $desk" \
    "$api/cases/$id/documents/$doc?purpose=%E5%9F%BA%E5%87%86" >>"$work/downloads"
done
python3 - "$times" "$work/downloads" "$count" "$size" <<'PY'
import sys
def pct(v, p):
    v = sorted(v)
    return v[min(len(v) - 1, max(0, round(p / 100 * len(v) + 0.5) - 1))]
gen = [float(x) * 1000 for x in open(sys.argv[1])]
dl = [float(x) * 1000 for x in open(sys.argv[2])]
print(f"documents generations={sys.argv[3]} p50_ms={pct(gen, 50):.1f} p99_ms={pct(gen, 99):.1f}"
      f" max_ms={max(gen):.1f} pdf_bytes={sys.argv[4]} download_p50_ms={pct(dl, 50):.1f}")
PY
