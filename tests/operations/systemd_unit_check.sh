#!/usr/bin/env bash
# Checks deploy/outpost@.service with `systemd-analyze verify`, as instance
# outpost@8081, with ExecStart pointed at the freshly built binary (the unit
# names /usr/local/bin/outpost, which a build machine need not have). Any
# complaint (unknown setting, bad value, missing binary) fails the test.
#
#   systemd_unit_check.sh UNIT_FILE OUTPOST_BINARY
# Exit 77 (CTest: skipped) without systemd-analyze.
set -euo pipefail
[[ $# -eq 2 ]] || { echo "usage: $0 UNIT_FILE OUTPOST_BINARY" >&2; exit 2; }
unit=$1 binary=$2
if ! command -v systemd-analyze >/dev/null; then
  echo "systemd-analyze not found: the unit is not checked (install systemd)"
  exit 77
fi
grep -q '^ExecStart=/usr/local/bin/outpost serve ' "$unit" || {
  echo "$unit: ExecStart no longer starts /usr/local/bin/outpost serve" >&2
  exit 1
}
dir=$(mktemp -d)
trap 'rm -rf -- "$dir"' EXIT
sed "s|^ExecStart=/usr/local/bin/outpost |ExecStart=$binary |" "$unit" >"$dir/outpost@.service"
ln -s outpost@.service "$dir/outpost@8081.service"
out=$(cd "$dir" && systemd-analyze verify ./outpost@8081.service 2>&1) || status=$?
if [[ -n $out || ${status:-0} -ne 0 ]]; then
  echo "systemd-analyze verify complains about $unit:" >&2
  echo "$out" >&2
  exit 1
fi
echo "systemd-analyze verify: $unit is clean"
