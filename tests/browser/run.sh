#!/usr/bin/env bash
# Runs every tests/browser/*.test.mjs (or the files given) with `node --test`,
# one file after the other (one browser at a time on a small machine). Fails
# when a test fails, when a file does not load, or when a file runs no test:
# a file whose tests were all filtered out or never registered must not pass.
# The environment (OUTPOST_BINARY, OUTPOST_TEST_BACKEND, …) comes from
# tests/browser/CMakeLists.txt; see harness.mjs.
set -u
here=$(cd "$(dirname "$0")" && pwd)
if (($# == 0)); then set -- "$here"/*.test.mjs; fi
status=0
for file in "$@"; do
  echo "== $(basename "$file") (${OUTPOST_TEST_BACKEND:-sqlite})"
  out=$(node --test --test-reporter=tap "$file" 2>&1)
  rc=$?
  printf '%s\n' "$out"
  if ((rc != 0)); then
    echo "FAILED: $(basename "$file") (node exited with $rc)"
    status=1
  # Node reports a file without tests as one passing test named after the
  # file: count only passed tests of other names that were not skipped.
  elif ! grep -E '^ok [0-9]+ - ' <<<"$out" | grep -v -F -e "- $file" -e '# SKIP' | grep -q .; then
    echo "FAILED: $(basename "$file") ran no test"
    status=1
  fi
done
exit $status
