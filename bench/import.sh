#!/usr/bin/env bash
# The ledger import (docs/IMPORT.md, issue 23): `outpost import` of a generated
# ledger of ROWS rows (default 100,000; every 50th row bad, so 98 % are
# imported) into a fresh database, on SQLite and on a throwaway PostgreSQL 15
# cluster (tests/support/pg_fixture.sh). Times a dry run and the real run of
# the same file; prints rows/s (rows read / wall-clock seconds of the command,
# which includes reading the configuration and the file).
#
#   bench/import.sh [ROWS] [sqlite|postgresql|both]
#
# Uses build/default/adapters/cli/outpost (build it first).
set -euo pipefail

rows=${1:-100000}
which=${2:-both}
root=$(cd "$(dirname "$0")/.." && pwd)
binary=${OUTPOST_BINARY:-$root/build/default/adapters/cli/outpost}
work=$(mktemp -d /tmp/outpost-import-bench.XXXXXX)
fixture=$work/pg
export OUTPOST_PII_KEY=${OUTPOST_PII_KEY:-5b1f0c7e3a9d2846e1c05f7a3b9e2d4c6a8f0e1d3c5b7a9f2e4d6c8b0a1f3e5d}
say() { echo "bench: $*" >&2; }
cleanup() {
  [[ -f $fixture/url ]] && "$root/tests/support/pg_fixture.sh" stop "$fixture" >/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

ledger=$work/ledger.csv
python3 - "$rows" "$ledger" <<'PY'
import csv, sys
rows, path = int(sys.argv[1]), sys.argv[2]
cats = ["neighbour", "邻里纠纷", "婚姻家庭纠纷", "tenancy", "traffic"]
with open(path, "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f)
    w.writerow(["编号", "登记日期", "当事人", "联系电话", "身份证号", "对方当事人", "对方联系电话", "社区",
                "网格", "微网格", "地址", "纠纷类别", "纠纷简要情况", "调解结果", "结案日期"])
    for i in range(rows):
        y, m, d = 2016 + i % 8, 1 + i % 12, 1 + i % 27
        grid = "LF-G99" if i % 50 == 49 else "LF-G01"
        w.writerow([f"B-{i:07d}", f"{y}-{m:02d}-{d:02d}", f"申请人{i}", f"138{i:08d}",
                    f"50010919880101{i % 10000:04d}", f"被申请人{i}", "", "LF", grid,
                    "LF-G01-M1" if i % 2 else "", "西山坪家属区3栋", cats[i % len(cats)],
                    f"楼上漏水，维修费用争议，第{i}号", "调解成功" if i % 3 else "调解不成",
                    f"{y}-{m:02d}-{d + 1:02d}"])
PY
say "ledger: $rows rows, $(stat -c %s "$ledger") bytes"

run_import() {  # database-url mode-flag
  local started seconds out
  started=$(date +%s.%N)
  out=$("$binary" import "$ledger" --ledger bench --database "$1" --log-level warn $2)
  seconds=$(awk -v a="$(date +%s.%N)" -v b="$started" 'BEGIN {printf "%.2f", a - b}')
  local imported accepted
  imported=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["imported"])' <<<"$out")
  accepted=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["accepted"])' <<<"$out")
  echo "$seconds $accepted $imported"
}

bench_backend() {  # name database-url
  "$binary" migrate --database "$2" --log-level warn
  read -r dry_s dry_accepted _ < <(run_import "$2" --dry-run)
  read -r real_s real_accepted imported < <(run_import "$2" "")
  read -r again_s _ again_imported < <(run_import "$2" "")
  awk -v b="$1" -v n="$rows" -v ds="$dry_s" -v da="$dry_accepted" -v rs="$real_s" -v ri="$imported" \
    -v as="$again_s" -v ai="$again_imported" 'BEGIN {
      printf "| %s | %d | dry run | %.2f | %.0f | %d accepted |\n", b, n, ds, n / ds, da
      printf "| %s | %d | import | %.2f | %.0f | %d imported |\n", b, n, rs, n / rs, ri
      printf "| %s | %d | same file again | %.2f | %.0f | %d imported |\n", b, n, as, n / as, ai }'
}

echo "| backend | rows | run | seconds | rows/s | outcome |"
echo "| --- | ---: | --- | ---: | ---: | --- |"
if [[ $which == sqlite || $which == both ]]; then
  bench_backend sqlite "sqlite:$work/bench.db"
fi
if [[ $which == postgresql || $which == both ]]; then
  "$root/tests/support/pg_fixture.sh" start "$fixture" >/dev/null
  bench_backend postgresql "$(cat "$fixture/url")"
fi
